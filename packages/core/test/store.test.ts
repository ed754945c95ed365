// The run store under concurrency: compare-and-set across processes, leased attempts (a stale
// duplicate writes nothing), outputs left by a crash mid-commit ignored, format 1 folders still read.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  createRun,
  definePlugin,
  fileStore,
  type MergePlugin,
  parseDemo,
  readRun,
  resolveConfig,
  runPipeline,
  runStage,
  updateRun,
} from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

const demo = parseDemo({
  url: 'http://localhost:9/',
  title: 'Store',
  steps: [
    { action: 'goto', value: '/', narration: 'Home.' },
    { action: 'click', target: { name: 'Go' }, narration: 'Go on.' },
  ],
});

/** A merge that waits for `gate` before writing, so a test can run a second attempt meanwhile. */
function gatedMerge(gate: Promise<void>, label: string): MergePlugin {
  const inner = listMerge();
  return definePlugin({
    ...inner,
    async run(input, ctx) {
      await gate;
      await writeFile(path.join(ctx.dir, 'who.txt'), label);
      return inner.run(input, ctx);
    },
  });
}

describe('run store', () => {
  it('a duplicate runStage whose lease was superseded writes nothing', async () => {
    const root = await tempDir();
    const base = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge() }, { root });
    const runDir = await createRun(base.runsDir, { demo });
    await runPipeline(base, runDir, { until: 'record' });

    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const slow = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: gatedMerge(gate, 'stale') }, { root });
    const fast = await resolveConfig(
      { tts: humTts(), record: paperRecorder(), merge: gatedMerge(Promise.resolve(), 'new') },
      { root },
    );
    const stale = runStage(slow, 'merge', runDir).catch((e: unknown) => e); // a stalled job...
    await new Promise((r) => setTimeout(r, 50));
    await runStage(fast, 'merge', runDir); // ...re-run by the queue while the first still runs
    const committed = await readFile(path.join(runDir, 'run.json'), 'utf8');
    const output = await readFile(path.join(runDir, 'merge', 'output.json'), 'utf8');
    open();
    expect(await stale).toMatchObject({ code: 'SR_LEASE_LOST', stage: 'merge' });
    expect(await readFile(path.join(runDir, 'run.json'), 'utf8')).toBe(committed);
    expect(await readFile(path.join(runDir, 'merge', 'output.json'), 'utf8')).toBe(output);
    expect((await readdir(path.join(runDir, 'merge'))).sort()).toEqual(['2', 'output.json']); // attempt 1's folder is gone
    expect(await readFile(path.join(runDir, 'merge', '2', 'who.txt'), 'utf8')).toBe('new');
    const run = await readRun(runDir);
    expect(run.state.stages.merge).toMatchObject({ status: 'done', attempt: 2 });
    expect(run.outputs.merge?.files[0]?.path).toBe('merge/2/final.mp4');
  });

  it('compare-and-set loses no update with writers in four processes at once', async () => {
    const root = await tempDir();
    const runsDir = path.join(root, 'runs');
    const runDir = await createRun(runsDir, { demo });
    const runId = path.basename(runDir);
    const core = import.meta.resolve('@showrunner/core');
    const script = `
      const { fileStore, updateRun } = await import(${JSON.stringify(core)});
      const store = fileStore(${JSON.stringify(runsDir)});
      for (let i = 0; i < 25; i++) {
        await updateRun(store, ${JSON.stringify(runId)}, (doc) => {
          doc.state.steps[process.argv[1] + '-' + i] = 'done';
          return {};
        });
      }`;
    const run = promisify(execFile);
    await Promise.all(['a', 'b', 'c', 'd'].map((w) => run(process.execPath, ['--input-type=module', '-e', script, w])));
    const state = (await readRun(runDir)).state;
    expect(Object.keys(state.steps)).toHaveLength(100);
    expect(state.rev).toBe(100);
  });

  it('a write from an older revision is refused, not merged', async () => {
    const root = await tempDir();
    const runDir = await createRun(path.join(root, 'runs'), { demo });
    const store = fileStore(path.dirname(runDir));
    const id = path.basename(runDir);
    const doc = (await store.get(id))!;
    await updateRun(store, id, (d) => {
      d.state.steps.x = 'done';
      return {};
    });
    expect(await store.put(id, doc.state.rev, { state: { ...doc.state, rev: doc.state.rev + 1 } })).toBe(false);
    expect((await readRun(runDir)).state.steps).toEqual({ x: 'done' });
  });

  it('ignores an output whose stage never committed (a crash between output.json and run.json)', async () => {
    const root = await tempDir();
    const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge() }, { root });
    const runDir = await createRun(config.runsDir, { demo });
    await runPipeline(config, runDir, { until: 'record' });
    const file = path.join(runDir, 'run.json');
    const state = JSON.parse(await readFile(file, 'utf8'));
    state.stages.merge = { status: 'running', startedAt: new Date().toISOString(), attempt: 1, lease: 'gone' };
    await writeFile(file, JSON.stringify(state));
    await import('node:fs/promises').then((fs) => fs.mkdir(path.join(runDir, 'merge'), { recursive: true }));
    await writeFile(path.join(runDir, 'merge', 'output.json'), JSON.stringify({ files: [], durationMs: 1 }));
    const run = await readRun(runDir);
    expect(run.outputs.merge).toBeUndefined();
    expect((await runPipeline(config, runDir)).state.status).toBe('done');
  });

  it('refuses outputs whose paths leave the run folder', async () => {
    const root = await tempDir();
    const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge() }, { root });
    const runDir = await createRun(config.runsDir, { demo });
    await runPipeline(config, runDir);
    const file = path.join(runDir, 'merge', 'output.json');
    const out = JSON.parse(await readFile(file, 'utf8'));
    for (const bad of ['../../etc/passwd', '/etc/passwd', 'merge/../../x']) {
      out.files[0].path = bad;
      await writeFile(file, JSON.stringify(out));
      await expect(readRun(runDir)).rejects.toMatchObject({ code: 'SR_RUN_INVALID', file });
    }
  });

  it('reads a run folder of format 1 (before the state machine) and resumes it', async () => {
    const root = await tempDir();
    const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge() }, { root });
    const runDir = path.join(config.runsDir, 'old-run');
    await import('node:fs/promises').then((fs) => fs.mkdir(runDir, { recursive: true }));
    const v1 = { version: 1, id: 'old-run', createdAt: '2026-01-01T00:00:00.000Z', status: 'created', stages: {}, steps: {} };
    await writeFile(path.join(runDir, 'run.json'), JSON.stringify(v1));
    await writeFile(path.join(runDir, 'demo.json'), JSON.stringify(demo));
    const run = await runPipeline(config, runDir);
    expect(run.state).toMatchObject({ status: 'done', version: 2, approval: { by: 'format-1' } });
  });
});
