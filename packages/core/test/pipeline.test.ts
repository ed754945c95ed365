import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  createRun,
  type Decision,
  type Demo,
  definePlugin,
  type MergePlugin,
  parseDemo,
  type RecordPlugin,
  readRun,
  resolveConfig,
  runPipeline,
  runStage,
  ShowrunnerError,
  type TtsPlugin,
  type UserConfig,
} from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

const demo: Demo = parseDemo({
  url: 'http://localhost:9/',
  title: 'Sign up',
  steps: [
    { action: 'goto', value: '/', narration: 'This is the home page.' },
    { action: 'click', target: { name: 'Sign up' }, narration: 'Click sign up.' },
    { action: 'fill', target: { label: 'Email' }, value: 'ada@example.com', narration: 'Type your email.' },
    { action: 'press', value: 'Enter', narration: 'Press enter to send it.' },
    { action: 'wait', value: '500', narration: '' },
    { action: 'click', target: { text: 'Done' }, narration: 'And you are in.' },
  ],
});

async function setup(extra: UserConfig = {}, calls: string[] = []) {
  const root = await tempDir();
  const config = await resolveConfig({ tts: humTts(calls), record: paperRecorder(), merge: listMerge(), ...extra }, { root });
  return { root, config, runDir: await createRun(config.runsDir, { demo }) };
}

describe('runPipeline', () => {
  it('runs every stage and leaves a complete run folder', async () => {
    const { root, config, runDir } = await setup();
    const run = await runPipeline(config, runDir);
    expect(run.state.status).toBe('done');
    expect(Object.keys(run.state.stages).sort()).toEqual(['merge', 'record', 'storage', 'tts']); // tts and record start together
    expect(run.outputs.tts?.clips).toHaveLength(6);
    expect(run.outputs.tts?.cache).toEqual({ hits: 0, misses: 5 }); // the silent step needs no synthesis
    expect(Object.values(run.state.steps)).toEqual(Array(6).fill('done'));
    const stored = path.join(root, 'out', 'sign-up', 'final.mp4');
    expect((await readFile(stored, 'utf8')).split('\n')).toHaveLength(6);
    expect(run.outputs.storage?.url).toBe(`file://${stored}`);
    expect(run.demo?.steps.map((s) => s.resolved)).toEqual(demo.steps.map((s) => `paper=${s.id}`)); // kept for the next run
  });

  it('re-synthesizes exactly one clip after one narration is edited', async () => {
    const calls: string[] = [];
    const { config, runDir } = await setup({}, calls);
    await runPipeline(config, runDir);
    const edited = structuredClone(demo);
    edited.steps[2]!.narration = 'Now type the email address.';
    const second = await createRun(config.runsDir, { demo: edited });
    calls.length = 0;
    const run = await runPipeline(config, second);
    expect(calls).toEqual(['Now type the email address.']);
    expect(run.outputs.tts?.cache).toEqual({ hits: 4, misses: 1 });
  });

  it('starts recording before every clip is synthesized', async () => {
    const times: Record<string, number> = {};
    const slowVoice: TtsPlugin = {
      ...humTts(),
      async run(input, ctx) {
        await new Promise((r) => setTimeout(r, 60));
        times[`clip ${input.text}`] = Date.now();
        return humTts().run(input, ctx);
      },
    };
    const recorder = paperRecorder();
    const timedRecorder: RecordPlugin = {
      ...recorder,
      run(input, ctx) {
        times.recordStart = Date.now();
        return recorder.run(input, ctx);
      },
    };
    const { config, runDir } = await setup({ tts: slowVoice, record: timedRecorder });
    const run = await runPipeline(config, runDir);
    const lastClip = Math.max(
      ...Object.entries(times)
        .filter(([k]) => k.startsWith('clip'))
        .map(([, t]) => t),
    );
    expect(times.recordStart).toBeLessThan(lastClip);
    expect(run.outputs.record?.steps.map((s) => s.endMs! - s.startMs!)).toEqual(
      run.outputs.tts?.clips.map((c) => c.durationMs + 300),
    );
  });

  it('resumes after a failed stage without re-running finished ones', async () => {
    let mergeCalls = 0;
    let failOnce = true;
    const flaky: MergePlugin = {
      ...listMerge(),
      async run(input, ctx) {
        mergeCalls++;
        if (failOnce) {
          failOnce = false;
          throw new Error('disk full');
        }
        return listMerge().run(input, ctx);
      },
    };
    const calls: string[] = [];
    const { config, runDir } = await setup({ merge: flaky }, calls);
    const err = await runPipeline(config, runDir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SR_STAGE_FAILED', stage: 'merge', plugin: 'test:list-merge' });
    expect((err as Error).message).toContain('disk full');
    let run = await readRun(runDir);
    expect(run.state.status).toBe('failed');
    expect(run.state.stages.merge?.status).toBe('failed');
    const recordDone = run.state.stages.record?.startedAt;

    const synthesized = calls.length;
    run = await runPipeline(config, runDir);
    expect(run.state.status).toBe('done');
    expect(mergeCalls).toBe(2);
    expect(calls.length).toBe(synthesized); // tts not re-run
    expect(run.state.stages.record?.startedAt).toBe(recordDone); // record not re-run
  });

  it('re-runs from a named stage and empties its folder first', async () => {
    const { config, runDir } = await setup();
    await runPipeline(config, runDir);
    const before = run1Stamp(await readRun(runDir));
    expect((await readdir(path.join(runDir, 'record'))).sort()).toEqual(['1', 'output.json']);
    await new Promise((r) => setTimeout(r, 5));
    const run = await runPipeline(config, runDir, { from: 'record' });
    expect(run.state.stages.tts?.startedAt).toBe(before.tts);
    expect(run.state.stages.record?.startedAt).not.toBe(before.record);
    // The second attempt wrote its own folder; the first one's is gone, so nothing is doubled.
    expect((await readdir(path.join(runDir, 'record'))).sort()).toEqual(['2', 'output.json']);
    expect(run.outputs.record?.recording.frames.every((f) => f.path.startsWith('record/2/'))).toBe(true);
  });

  it('runs a single stage from another process-style call', async () => {
    const { config, runDir } = await setup();
    await runStage(config, 'tts', runDir);
    const out = await runStage(config, 'record', runDir);
    expect(out.steps.map((s) => s.status)).toEqual(Array(6).fill('done'));
    const wav = await stat(path.join(runDir, 'tts', '1', `${demo.steps[0]!.id}.wav`));
    expect(wav.size).toBeGreaterThan(44);
  });

  it('refuses a run folder written by a newer version', async () => {
    const { config, runDir } = await setup();
    const file = path.join(runDir, 'run.json');
    const state = JSON.parse(await readFile(file, 'utf8'));
    await import('node:fs/promises').then((fs) => fs.writeFile(file, JSON.stringify({ ...state, version: 99 })));
    await expect(runPipeline(config, runDir)).rejects.toMatchObject({ code: 'SR_RUN_NEWER_VERSION', file });
  });
});

describe('failure protocol', () => {
  const steps = demo.steps.map(({ id, ...step }) => step); // renumbered around the broken step
  const broken = parseDemo({
    ...demo,
    steps: [
      ...steps.slice(0, 2),
      { action: 'click', target: { css: '#missing' }, narration: 'Open the menu.' },
      ...steps.slice(2),
    ],
  });

  async function recordWith(decide: (attempt: number) => Decision, extra: UserConfig = {}) {
    const root = await tempDir();
    const log: string[] = [];
    const events: string[] = [];
    const watcher = definePlugin({
      name: 'local:watch',
      hooks: {
        onStepFailed: (e) => void events.push(`failed:${e.step.id}:${e.error.code}`),
        onStatusChange: (e) => void (e.stage ? undefined : events.push(`run:${e.status}`)),
      },
    });
    const config = await resolveConfig(
      { tts: humTts(), record: paperRecorder(log), merge: listMerge(), plugins: [watcher], ...extra },
      { root },
    );
    const runDir = await createRun(config.runsDir, { demo: broken });
    const result = await runPipeline(config, runDir, { decide: (f) => decide(f.attempt) }).catch((e: unknown) => e);
    return { result, log, events, runDir, config };
  }

  it('skip gives a complete recording with one step fewer', async () => {
    const { result, log, events } = await recordWith(() => 'skip');
    const run = result as Awaited<ReturnType<typeof readRun>>;
    expect(log).toContain('s3:skip');
    expect(run.state.steps.s3).toBe('skipped');
    expect(run.outputs.merge?.narration.map((n) => n.stepId)).toEqual(['s1', 's2', 's4', 's5', 's6', 's7']);
    expect(events).toEqual(['run:running', 'failed:s3:SR_STEP_TARGET_NOT_FOUND', 'run:paused', 'run:running', 'run:done']);
  });

  it('retry performs the step again', async () => {
    const { result, log } = await recordWith(() => 'retry');
    expect(log.filter((l) => l.startsWith('s3'))).toEqual(['s3:retry', 's3:retry', 's3:done']);
    expect((result as { state: { status: string } }).state.status).toBe('done');
  });

  it('replace performs new steps and narrates them', async () => {
    const replacement = { replace: [{ action: 'click', target: { name: 'Menu' }, narration: 'Open the menu instead.' }] };
    const { result } = await recordWith(() => replacement as Decision);
    const run = result as Awaited<ReturnType<typeof readRun>>;
    expect(run.state.steps['s3.1']).toBe('done');
    expect(run.outputs.tts?.clips.map((c) => c.stepId)).toContain('s3.1');
    expect(run.outputs.merge?.narration).toHaveLength(7);
  });

  it('abort leaves a resumable run folder', async () => {
    const { result, runDir, config } = await recordWith(() => 'abort');
    expect(result).toBeInstanceOf(ShowrunnerError);
    expect(result).toMatchObject({ code: 'SR_STEP_ABORTED', stage: 'record' });
    const run = await readRun(runDir);
    expect(run.state.status).toBe('failed');
    expect(run.outputs.tts).toBeDefined();
    expect(run.outputs.record).toBeUndefined();
    const resumed = await runPipeline(config, runDir, { decide: () => 'skip' });
    expect(resumed.state.status).toBe('done');
  });

  it('the onFail policy answers when no one is asked', async () => {
    const root = await tempDir();
    const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge(), onFail: 'skip' }, { root });
    const run = await runPipeline(config, await createRun(config.runsDir, { demo: broken }));
    expect(run.state.steps.s3).toBe('skipped');
  });
});

function run1Stamp(run: Awaited<ReturnType<typeof readRun>>) {
  return { tts: run.state.stages.tts?.startedAt, record: run.state.stages.record?.startedAt };
}
