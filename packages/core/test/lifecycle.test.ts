// One process, many runs: per-run plugin lifecycle (release(runId) once per run, pooled resources
// shared), hooks off the recording clock with one context per call, and hooks passed per run.
import {
  createRun,
  definePlugin,
  type HookContext,
  parseDemo,
  type RecordPlugin,
  readRun,
  resolveConfig,
  runPipeline,
  type StepResult,
} from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, tempDir } from './plugins.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const demoOf = (title: string, n: number) =>
  parseDemo({
    url: 'http://localhost:9/',
    title,
    steps: Array.from({ length: n }, (_, i) => ({ action: 'wait', value: '1', narration: `Step ${i + 1}.` })),
  });

/**
 * A recorder that holds each step `holdMs` of wall time and keeps one "browser" per run in a pool,
 * the way plugin-playwright keys its sessions by run id. Closing a run's browser mid-recording fails it.
 */
function pooledRecorder(holdMs: number, events: string[]): RecordPlugin {
  const browsers = new Map<string, { open: boolean }>();
  return definePlugin({
    name: 'test:pooled-recorder',
    stage: 'record',
    async run({ demo }, ctx) {
      const browser = { open: true };
      browsers.set(ctx.runId, browser);
      events.push(`open:${demo.title}`);
      const steps: StepResult[] = [];
      const started = Date.now();
      for (const [index, step] of demo.steps.entries()) {
        await ctx.emit('onStepStart', { step, index });
        const t = Date.now() - started;
        await sleep(holdMs);
        if (!browser.open) throw new Error(`the browser of ${demo.title} was closed by someone else`);
        const result: StepResult = { step, status: 'done', startMs: t, narrationMs: t, endMs: Date.now() - started };
        steps.push(result);
        await ctx.emit('onStepEnd', { step, index, result });
        await ctx.emit('onProgress', { done: index + 1, total: demo.steps.length });
      }
      const durationMs = Date.now() - started;
      events.push(`done:${demo.title}`);
      const recording = {
        width: 8,
        height: 8,
        viewport: { width: 8, height: 8 },
        deviceScaleFactor: 1,
        startedAt: started,
        durationMs,
        frames: [],
      };
      return { recording, steps };
    },
    async release(runId) {
      const browser = browsers.get(runId);
      if (browser) browser.open = false;
      browsers.delete(runId);
      events.push(`release:${runId.split('-')[0]}`);
    },
  });
}

describe('per-run lifecycle', () => {
  it('two runs at once on one plugin instance: the shorter ends first and releases only its own browser', async () => {
    const events: string[] = [];
    const config = await resolveConfig(
      { tts: humTts(), record: pooledRecorder(40, events), merge: listMerge() },
      { root: await tempDir() },
    );
    const long = await createRun(config.runsDir, { demo: demoOf('long', 12) });
    const short = await createRun(config.runsDir, { demo: demoOf('short', 3) });
    const [a, b] = await Promise.all([runPipeline(config, long), runPipeline(config, short)]);
    expect(a.state.status).toBe('done');
    expect(b.state.status).toBe('done');
    expect(events.indexOf('release:short')).toBeLessThan(events.indexOf('done:long')); // short ended while long recorded
    expect(events.filter((e) => e.startsWith('release:'))).toEqual(['release:short', 'release:long']); // once each
    expect(a.outputs.record?.steps).toHaveLength(12);
  });

  it('observer hooks never sit on the recording clock', async () => {
    const timeline = async (hookMs: number) => {
      const slow = definePlugin({
        name: 'local:db-writer',
        hooks: {
          onStepStart: () => sleep(hookMs),
          onStepEnd: () => sleep(hookMs),
          onProgress: () => sleep(hookMs),
        },
      });
      const config = await resolveConfig(
        { tts: humTts(), record: pooledRecorder(30, []), merge: listMerge(), plugins: [slow] },
        { root: await tempDir() },
      );
      const run = await runPipeline(config, await createRun(config.runsDir, { demo: demoOf('clock', 6) }));
      return run.outputs.record!.recording.durationMs;
    };
    const without = await timeline(0);
    const withSlowHook = await timeline(150); // 18 events × 150 ms = 2.7 s of hook time
    // Awaited hooks would add all 2.7 s; the margin only absorbs scheduling noise on a busy machine.
    expect(withSlowHook - without).toBeLessThan(270);
  });

  it('gives each hook call a context, and takes hook plugins per run', async () => {
    const seen: { hook: string; ctx: Omit<HookContext, 'log' | 'resolve' | 'signal'>; resolved: string }[] = [];
    const writer = definePlugin({
      name: 'local:status-writer',
      hooks: {
        onStepEnd(_event, ctx) {
          seen.push({
            hook: 'onStepEnd',
            ctx: { runId: ctx.runId, stage: ctx.stage, step: ctx.step },
            resolved: ctx.resolve('record/1'),
          });
          ctx.log.info('saved');
        },
        onArtifact(event, ctx) {
          seen.push({ hook: 'onArtifact', ctx: { runId: ctx.runId, stage: ctx.stage }, resolved: ctx.resolve(event.path) });
        },
      },
    });
    const config = await resolveConfig(
      { tts: humTts(), record: pooledRecorder(1, []), merge: listMerge() },
      { root: await tempDir() },
    );
    const runDir = await createRun(config.runsDir, { demo: demoOf('ctx', 2) });
    const logs: string[] = [];
    await runPipeline(config, runDir, { plugins: [writer], log: (e) => void logs.push(`${e.plugin}:${e.message}`) });
    const runId = (await readRun(runDir)).state.id;
    // tts and record run side by side: find each hook's first call rather than rely on their order
    expect(seen.find((s) => s.hook === 'onArtifact')).toEqual({
      hook: 'onArtifact',
      ctx: { runId, stage: 'tts' },
      resolved: `${runDir}/tts/1/s1.wav`,
    });
    expect(seen.find((s) => s.hook === 'onStepEnd')).toEqual({
      hook: 'onStepEnd',
      ctx: { runId, stage: 'record', step: { index: 0, id: 's1' } },
      resolved: `${runDir}/record/1`,
    });
    expect(logs).toContain('local:status-writer:saved');
    // The per-run plugin is not part of the config: another run does not call it.
    seen.length = 0;
    await runPipeline(config, await createRun(config.runsDir, { demo: demoOf('other', 1) }));
    expect(seen).toEqual([]);
  });
});
