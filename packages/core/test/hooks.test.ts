import {
  createRun,
  definePlugin,
  type HookPlugin,
  type LogEntry,
  parseDemo,
  readRun,
  resolveConfig,
  runPipeline,
} from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

const demo = parseDemo({
  url: 'http://localhost:9/',
  steps: [
    { action: 'goto', value: '/', narration: 'Home.' },
    { action: 'click', target: { name: 'Go' }, narration: 'Go.' },
  ],
});

describe('hooks', () => {
  it('run one at a time, in emit order and config order, with one event object', async () => {
    const seen: string[] = [];
    const slow = (label: string, ms: number): HookPlugin =>
      definePlugin({
        name: `local:${label}`,
        hooks: {
          async onStepStart(event) {
            seen.push(`${label}>${event.step.id}`);
            await new Promise((r) => setTimeout(r, ms));
            seen.push(`${label}<${event.step.id}`);
          },
        },
      });
    const recorder = definePlugin({ ...paperRecorder(), hooks: { onStepStart: (e) => void seen.push(`rec:${e.step.id}`) } });
    const config = await resolveConfig(
      { tts: humTts(), record: recorder, merge: listMerge(), plugins: [slow('a', 20), slow('b', 1)] },
      { root: await tempDir() },
    );
    await runPipeline(config, await createRun(config.runsDir, { demo }));
    expect(seen).toEqual(['rec:s1', 'a>s1', 'a<s1', 'b>s1', 'b<s1', 'rec:s2', 'a>s2', 'a<s2', 'b>s2', 'b<s2']);
  });

  it('report every stage status, artifacts and progress', async () => {
    const events: string[] = [];
    const watch = definePlugin({
      name: 'local:watch',
      hooks: {
        onStatusChange: (e) => void events.push(`${e.stage ?? 'run'}:${e.status}`),
        onArtifact: (e) => void events.push(`artifact:${e.stage}:${e.kind}`),
        onProgress: (e) => void events.push(`progress:${e.stage}:${e.done}/${e.total}`),
      },
    });
    const config = await resolveConfig(
      { tts: humTts(), record: paperRecorder(), merge: listMerge(), plugins: [watch] },
      { root: await tempDir() },
    );
    await runPipeline(config, await createRun(config.runsDir, { demo }));
    const status = events.filter((e) => e.includes(':running') || e.includes(':done'));
    // tts and record run side by side, so only their relative order to the rest is fixed
    expect(status[0]).toBe('run:running');
    expect(status.slice(1, 5).sort()).toEqual(['record:done', 'record:running', 'tts:done', 'tts:running']);
    expect(status.slice(5)).toEqual(['merge:running', 'merge:done', 'storage:running', 'storage:done', 'run:done']);
    expect(events).toContain('artifact:tts:clip');
    expect(events).toContain('artifact:merge:video');
    expect(events).toContain('progress:tts:2/2');
  });

  it('a throwing observer is logged as a coded warning and the run completes', async () => {
    const bad = definePlugin({
      name: 'local:slack',
      hooks: {
        onStepStart() {
          throw new Error('webhook 500');
        },
      },
    });
    const config = await resolveConfig(
      { tts: humTts(), record: paperRecorder(), merge: listMerge(), plugins: [bad] },
      { root: await tempDir() },
    );
    const runDir = await createRun(config.runsDir, { demo });
    const logs: LogEntry[] = [];
    const run = await runPipeline(config, runDir, { log: (e) => void logs.push(e) });
    expect(run.state.status).toBe('done');
    const warnings = logs.filter((l) => l.code === 'SR_HOOK_FAILED');
    expect(warnings).toHaveLength(2); // one per step
    expect(warnings[0]).toMatchObject({ level: 'warn', plugin: 'local:slack' });
    expect(warnings[0]!.message).toContain('[local:slack] hook "onStepStart" failed: webhook 500');
  });

  it('a critical hook that throws fails its stage with an error naming the plugin and hook', async () => {
    const bad = definePlugin({
      name: 'local:audit',
      hooks: {
        onStepStart: {
          critical: true,
          handler() {
            throw new Error('audit log unreachable');
          },
        },
      },
    });
    const config = await resolveConfig(
      { tts: humTts(), record: paperRecorder(), merge: listMerge(), plugins: [bad] },
      { root: await tempDir() },
    );
    const runDir = await createRun(config.runsDir, { demo });
    const err = await runPipeline(config, runDir, { log: () => {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SR_HOOK_FAILED', plugin: 'local:audit', hook: 'onStepStart', stage: 'record' });
    const run = await readRun(runDir);
    expect(run.state.status).toBe('failed');
    expect(run.state.error).toMatchObject({ code: 'SR_HOOK_FAILED', plugin: 'local:audit', hook: 'onStepStart' });
    expect(run.outputs.record).toBeUndefined(); // the stage did not commit
  });
});
