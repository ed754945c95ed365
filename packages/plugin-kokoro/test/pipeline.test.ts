// The plugin inside core's real tts stage: six narrated steps through the clip cache, then one
// narration edited. Clips follow core's Clip schema and point at 16-bit WAVs in the run folder.
import path from 'node:path';
import {
  ClipSchema,
  createRun,
  type DemoInput,
  type LogEntry,
  parseDemo,
  readWavInfo,
  resolveConfig,
  runStage,
} from '@showrunner/core';
import kokoro from '@showrunner/plugin-kokoro';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forbidNetwork, removeTempDirs, tempDir } from './helpers/context.js';
import { buildKokoroStandin } from './helpers/standin.js';

let net: ReturnType<typeof forbidNetwork>;
beforeAll(() => {
  net = forbidNetwork();
});
afterAll(async () => {
  await removeTempDirs();
  net.restore();
});

const demo = (edited = false): DemoInput => ({
  url: 'https://acme.test',
  title: 'Acme tour',
  voice: 'bm_george',
  steps: [
    { action: 'goto', value: '/', narration: 'Welcome to Acme Cloud.' },
    { action: 'click', target: { text: 'New project' }, narration: 'Create a project in one click.' },
    {
      action: 'fill',
      target: { label: 'Name' },
      value: 'demo',
      narration: edited ? 'Call it demo, or anything you like.' : 'Give it a name.',
    },
    { action: 'click', target: { text: 'Invite' }, narration: 'Invite a teammate.' },
    { action: 'click', target: { text: 'Deploy' }, narration: 'Then deploy it.' },
    { action: 'wait', value: '500', narration: 'Your app is live in under two minutes! 🎉' },
  ],
});

it('editing one narration in a six-step demo synthesizes exactly one clip', async () => {
  const root = await tempDir();
  buildKokoroStandin(path.join(root, 'weights'));
  const tts = kokoro({ modelDir: 'weights', allowDownload: false });
  const config = await resolveConfig({ tts }, { root });

  const logs: LogEntry[] = [];
  const log = (entry: LogEntry) => logs.push(entry);
  const first = await runStage(config, 'tts', await createRun(config.runsDir, { demo: parseDemo(demo()) }), { log });
  expect(first.cache).toEqual({ hits: 0, misses: 6 });
  const secondDir = await createRun(config.runsDir, { demo: parseDemo(demo(true)) });
  const second = await runStage(config, 'tts', secondDir, { log });
  expect(second.cache).toEqual({ hits: 5, misses: 1 });
  expect(second.clips.filter((c) => !c.cached).map((c) => c.stepId)).toEqual(['s3']);

  for (const clip of second.clips) {
    expect(ClipSchema.parse(clip)).toEqual(clip);
    const wav = await readWavInfo(path.join(secondDir, clip.path));
    expect(wav).toMatchObject({ sampleRate: 24_000, bitsPerSample: 16, channels: 1, durationMs: clip.durationMs });
  }
  expect(second.clips[2]!.durationMs).toBeGreaterThan(first.clips[2]!.durationMs);
  expect(logs).toContainEqual({
    level: 'warn',
    message: 'Left out characters Kokoro cannot speak: 🎉',
    plugin: '@showrunner/plugin-kokoro',
    stage: 'tts',
  });
  await tts.close?.();
  expect(net.calls).toEqual([]);
});
