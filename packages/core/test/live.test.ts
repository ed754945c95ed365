// Encoding while recording, as core runs it: the merge plugin's `live` beside the record stage, fed the
// recorded parts and the clips as the voice makes them, its folder handed to the merge stage.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRun, type Demo, type LogEntry, parseDemo, resolveConfig, runPipeline, type UserConfig } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, liveListMerge, paperRecorder, tempDir } from './plugins.js';

const demo: Demo = parseDemo({
  url: 'http://localhost:9/',
  title: 'Live',
  steps: [
    { action: 'goto', value: '/', narration: 'This is the home page.' },
    { action: 'click', target: { css: '#missing' }, narration: 'This button is not there.' },
    { action: 'click', target: { name: 'Sign up' }, narration: 'Click sign up.' },
  ],
});

async function setup(extra: UserConfig) {
  const root = await tempDir();
  const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), onFail: 'skip', ...extra }, { root });
  return { config, runDir: await createRun(config.runsDir, { demo }) };
}

describe('the merge beside the recording', () => {
  it('gets every part in order with its clips, and its folder reaches the merge stage', async () => {
    const seen: { live?: string; parts: string[] } = { parts: [] };
    const { config, runDir } = await setup({ merge: liveListMerge(seen) });
    const run = await runPipeline(config, runDir);
    expect(run.state.status).toBe('done');
    expect(seen.parts).toEqual([
      's1=done frames=1 clips=1',
      's1=done,s2=skipped frames=0 clips=1',
      's1=done,s2=skipped,s3=done frames=1 clips=2',
      's1=done,s2=skipped,s3=done frames=0 clips=2 last',
    ]);
    expect(seen.live).toBe('merge/live');
    const merged = path.join(runDir, run.outputs.merge!.files[0]!.path.replace('final.mp4', 'parts.txt'));
    expect((await readFile(merged, 'utf8')).split('\n')).toEqual(seen.parts);
    expect(existsSync(path.join(runDir, 'merge', 'live'))).toBe(false); // used up
  });

  it('is not started when the config says encodeWhileRecording: false', async () => {
    const seen: { live?: string; parts: string[] } = { parts: [] };
    const { config, runDir } = await setup({ merge: liveListMerge(seen), encodeWhileRecording: false });
    expect((await runPipeline(config, runDir)).state.status).toBe('done');
    expect(seen.parts).toEqual([]);
    expect(seen.live).toBeUndefined();
  });

  it('a live merge that fails costs nothing but time: a warning, and the merge stage does it all', async () => {
    const seen: { live?: string; parts: string[] } = { parts: [] };
    const logs: LogEntry[] = [];
    const { config, runDir } = await setup({ merge: liveListMerge(seen, true) });
    const run = await runPipeline(config, runDir, { log: (e) => logs.push(e) });
    expect(run.state.status).toBe('done');
    expect(seen.live).toBeUndefined();
    expect(logs.find((l) => l.level === 'warn')?.message).toMatch(/encoding while recording stopped \(live merge broke\)/);
  });

  it('a recording that fails ends the live merge too, and the run fails with the recording’s error', async () => {
    const seen: { live?: string; parts: string[] } = { parts: [] };
    const logs: LogEntry[] = [];
    const { config, runDir } = await setup({ merge: liveListMerge(seen), onFail: 'abort' });
    await expect(runPipeline(config, runDir, { log: (e) => logs.push(e) })).rejects.toMatchObject({ code: 'SR_STEP_ABORTED' });
    expect(logs.filter((l) => l.level === 'warn')).toEqual([]); // the failure is the run's, not the live merge's
    expect(seen.live).toBeUndefined();
    expect(seen.parts).toEqual([]); // it never finished
  });
});
