// The clip cache, proven through core: runStage(config, 'tts', runDir) with this plugin on real run
// folders. Editing one narration of a 6-step demo re-synthesizes exactly one clip.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRun, type Demo, parseDemo, readRun, readWavInfo, resolveConfig, runStage, type TtsOutput } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const demo: Demo = parseDemo({
  url: 'http://localhost:9/',
  title: 'Deploy an app',
  steps: [
    { action: 'goto', value: '/', narration: 'This is the Acme dashboard.' },
    { action: 'click', target: { role: 'button', name: 'New project' }, narration: 'Start a new project.' },
    { action: 'fill', target: { label: 'Name' }, value: 'shop', narration: 'Give it a name.' },
    { action: 'select', target: { label: 'Region' }, value: 'Europe', narration: 'Pick the region closest to you.' },
    { action: 'click', target: { text: 'Deploy' }, narration: 'Then press Deploy.' },
    { action: 'wait', value: '500', narration: 'Your app is live in about a minute.' },
  ],
});

const readOutput = async (runDir: string): Promise<TtsOutput> =>
  JSON.parse(await readFile(path.join(runDir, 'tts', 'output.json'), 'utf8'));
const cachedClips = async (cacheDir: string) => (await readdir(path.join(cacheDir, 'clips'))).filter((f) => f.endsWith('.wav'));

describe('clip cache through core', () => {
  it('re-synthesizes exactly one clip after one narration of a 6-step demo is edited', async () => {
    const root = await tempDir();
    const config = await resolveConfig({ tts: espeak() }, { root });

    const first = await createRun(config.runsDir, { demo });
    await runStage(config, 'tts', first);
    const one = await readOutput(first);
    expect(one.cache).toEqual({ hits: 0, misses: 6 });
    expect(one.clips.map((c) => c.stepId)).toEqual(demo.steps.map((s) => s.id));
    for (const clip of one.clips) {
      const wav = await readWavInfo(path.join(first, clip.path));
      expect(clip.path).toBe(path.join('tts', '1', `${clip.stepId}.wav`)); // the stage's first attempt folder
      expect(wav.sampleRate).toBe(clip.sampleRate);
      expect(wav.durationMs).toBeCloseTo(clip.durationMs, 6);
      expect(clip.durationMs).toBeGreaterThan(700);
      expect(clip.words?.length).toBe(clip.text.split(' ').length);
    }
    expect(await cachedClips(config.cacheDir)).toHaveLength(6);

    const edited = structuredClone(demo);
    edited.steps[3]!.narration = 'Choose the region that is closest to your users.';
    const second = await createRun(config.runsDir, { demo: edited });
    await runStage(config, 'tts', second);
    const two = await readOutput(second);
    expect(two.cache).toEqual({ hits: 5, misses: 1 });
    expect(two.clips.filter((c) => !c.cached).map((c) => c.stepId)).toEqual([edited.steps[3]!.id]);
    expect(await cachedClips(config.cacheDir)).toHaveLength(7); // one new synthesis, nothing else
    // Cached clips are byte-for-byte the first run's, with the same reported timings.
    for (const [i, clip] of two.clips.entries()) {
      if (i === 3) continue;
      const before = one.clips[i]!;
      expect(clip).toEqual({ ...before, cached: true });
      expect(await readFile(path.join(second, clip.path))).toEqual(await readFile(path.join(first, before.path)));
    }
    const state = (await readRun(second)).state;
    expect(state.stages.tts?.status).toBe('done');
  });

  it('keys clips by voice options too: another voice misses every clip', async () => {
    const root = await tempDir();
    const us = await resolveConfig({ tts: espeak() }, { root });
    await runStage(us, 'tts', await createRun(us.runsDir, { demo }));
    const gb = await resolveConfig({ tts: espeak({ voice: 'en-gb' }) }, { root });
    const run = await createRun(gb.runsDir, { demo });
    await runStage(gb, 'tts', run);
    expect((await readOutput(run)).cache).toEqual({ hits: 0, misses: 6 });
    const again = await createRun(gb.runsDir, { demo: { ...demo, voice: 'en-gb+f3' } });
    await runStage(gb, 'tts', again);
    expect((await readOutput(again)).cache).toEqual({ hits: 0, misses: 6 }); // a demo's voice is part of the key
  });

  it("fails the stage with SR_TTS_VOICE_UNKNOWN for a demo's unknown voice, keeping the run folder", async () => {
    const root = await tempDir();
    const config = await resolveConfig({ tts: espeak() }, { root });
    const runDir = await createRun(config.runsDir, { demo: { ...demo, voice: 'af_heart' } });
    await expect(runStage(config, 'tts', runDir)).rejects.toMatchObject({
      code: 'SR_TTS_VOICE_UNKNOWN',
      plugin: '@showrunner/plugin-espeak',
      stage: 'tts',
    });
    const { state } = await readRun(runDir);
    expect(state.status).toBe('failed');
    expect(state.stages.tts?.error?.code).toBe('SR_TTS_VOICE_UNKNOWN');
    expect(String(state.stages.tts?.error?.message)).toContain('Valid voices:');
  });
});
