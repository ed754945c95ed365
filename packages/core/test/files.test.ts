// A run whose stages run on different machines: each has its own local run folder; the state lives in
// one store and the files travel through RunFiles (here a shared directory).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRun, dirFiles, fileStore, parseDemo, readRun, resolveConfig, runStage, stageInputs } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

const demo = parseDemo({
  url: 'http://localhost:9/',
  title: 'Two machines',
  steps: [
    { action: 'goto', value: '/', narration: 'Home.' },
    { action: 'click', target: { name: 'Go' }, narration: 'Go on.' },
  ],
});

describe('run files between machines', () => {
  it('records on machine A and merges and stores on machine B, through a shared directory', async () => {
    const [a, b, shared, state] = await Promise.all([tempDir(), tempDir(), tempDir(), tempDir()]);
    const store = fileStore(state); // one store every machine reaches (Redis or Postgres in production)
    const files = dirFiles(shared);
    const plugins = { tts: humTts(), record: paperRecorder(), merge: listMerge() };
    const machineA = await resolveConfig(plugins, { root: a });
    const machineB = await resolveConfig(plugins, { root: b });
    const runId = path.basename(await createRun(state, { demo }));
    const onA = path.join(machineA.runsDir, runId);
    const onB = path.join(machineB.runsDir, runId);

    await runStage(machineA, 'tts', onA, { store, files });
    await runStage(machineA, 'record', onA, { store, files });
    const recorded = await readRun(onB, store);
    expect(stageInputs('merge', recorded)).toEqual([
      'record/1/frame-0.jpg',
      'record/1/frame-1.jpg',
      'tts/1/s1.wav',
      'tts/1/s2.wav',
    ]);
    // Machine B has never seen the run: merge pulls what it reads, then pushes what it wrote before committing.
    await runStage(machineB, 'merge', onB, { store, files });
    expect((await readdir(path.join(onB, 'record', '1'))).sort()).toEqual(['frame-0.jpg', 'frame-1.jpg']);
    expect((await readdir(path.join(shared, runId, 'merge', '1'))).sort()).toEqual(['final.mp4']);
    const stored = await runStage(machineB, 'storage', onB, { store, files });
    expect(await readFile(new URL(stored.url), 'utf8')).toBe('s1 tts/1/s1.wav\ns2 tts/1/s2.wav');
    expect((await readRun(onA, store)).state.status).toBe('done');
  });

  it('copies nothing when the runs folder is the shared directory itself', async () => {
    const root = await tempDir();
    const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge() }, { root });
    const runDir = await createRun(config.runsDir, { demo });
    const files = dirFiles(config.runsDir);
    await runStage(config, 'tts', runDir, { files });
    expect((await readdir(runDir)).sort()).toEqual(['demo.json', 'run.json', 'tts']);
    expect(await readdir(path.join(runDir, 'tts'))).toEqual(['1', 'output.json']);
  });
});
