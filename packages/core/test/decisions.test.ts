// Decisions a web page can give: a pending failure in the store, an answer raced against the deadline
// and cancellation, a description planned into steps, stored answers that a resumed run keeps.
import {
  createRun,
  type Decider,
  definePlugin,
  type MergePlugin,
  parseDemo,
  readRun,
  resolveConfig,
  runPipeline,
  type UserConfig,
} from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

const broken = parseDemo({
  url: 'http://localhost:9/',
  title: 'Menu',
  steps: [
    { action: 'goto', value: '/', narration: 'Home.' },
    { action: 'click', target: { css: '#missing' }, narration: 'Open the menu.' },
    { action: 'click', target: { name: 'Done' }, narration: 'Done.' },
  ],
});

async function setup(extra: UserConfig = {}, log: string[] = []) {
  const config = await resolveConfig(
    { tts: humTts(), record: paperRecorder(log), merge: listMerge(), ...extra },
    { root: await tempDir() },
  );
  return { config, runDir: await createRun(config.runsDir, { demo: broken }) };
}

/** Answers that count how often they were asked. */
function counter() {
  let n = 0;
  const counted =
    <T>(answer: T) =>
    () => {
      n++;
      return answer;
    };
  return { counted, asked: () => n };
}

/** A decider that never answers, like a closed browser tab. Records what it was given. */
const silent =
  (seen: { signal?: AbortSignal; deadline?: number }[] = []): Decider =>
  (_, ctx) => {
    seen.push(ctx);
    return new Promise(() => {});
  };

describe('decisions', () => {
  it('pauses with the pending failure in the store while a person decides', async () => {
    const { config, runDir } = await setup();
    let seenWhilePaused: unknown;
    const decide: Decider = async () => {
      seenWhilePaused = (await readRun(runDir)).state;
      return { answer: 'skip', by: 'user_1' };
    };
    const run = await runPipeline(config, runDir, { decide });
    expect(seenWhilePaused).toMatchObject({
      status: 'paused',
      pending: { stepId: 's2', index: 1, attempt: 1, code: 'SR_STEP_TARGET_NOT_FOUND' },
      steps: { s2: 'failed' },
    });
    expect(run.state.status).toBe('done');
    expect(run.state.pending).toBeUndefined();
    expect(run.state.decisions).toMatchObject([{ stepId: 's2', answer: 'skip', by: 'user_1', source: 'person' }]);
  });

  it('lets the onFail policy answer when the deadline passes without an answer', async () => {
    const { config, runDir } = await setup({ onFail: 'skip', decisionTimeoutMs: 300 });
    const seen: { signal?: AbortSignal; deadline?: number }[] = [];
    const started = Date.now();
    const run = await runPipeline(config, runDir, { decide: silent(seen), log: () => {} });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.state.status).toBe('done');
    expect(run.state.steps.s2).toBe('skipped');
    expect(run.state.decisions).toMatchObject([{ stepId: 's2', answer: 'skip', by: 'policy', source: 'deadline' }]);
    expect(seen[0]?.deadline).toBeGreaterThan(started);
    expect(seen[0]?.signal?.aborted).toBe(true); // the decider was told to stop waiting
  });

  it('ends within 2 s when cancelled during an unanswered decision, marked cancelled, folder intact', async () => {
    const { config, runDir } = await setup();
    const stop = new AbortController();
    const pending = runPipeline(config, runDir, { decide: silent(), signal: stop.signal }).catch((e: unknown) => e);
    const ready = async () => {
      const { state } = await readRun(runDir);
      return state.status === 'paused' && state.stages.tts?.status === 'done';
    };
    for (let i = 0; i < 200 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 20));
    const at = Date.now();
    stop.abort();
    expect(await pending).toMatchObject({ code: 'SR_ABORTED' });
    expect(Date.now() - at).toBeLessThan(2_000);
    const run = await readRun(runDir);
    expect(run.state.status).toBe('cancelled');
    expect(run.outputs.tts).toBeDefined(); // what was done is kept: a resume continues
    const resumed = await runPipeline(config, runDir, { decide: () => 'skip' });
    expect(resumed.state.status).toBe('done');
  });

  it('turns a description into steps with the parse plugin, in the process holding the page', async () => {
    const { config, runDir } = await setup();
    const run = await runPipeline(config, runDir, { decide: () => ({ describe: 'click "Menu" — Open the menu instead.' }) });
    expect(run.state.steps).toMatchObject({ s2: 'replaced', 's2.1': 'done' });
    expect(run.state.decisions[0]).toMatchObject({
      answer: 'replace',
      describe: 'click "Menu" — Open the menu instead.',
      steps: [{ id: 's2.1', action: 'click', target: { name: 'Menu' }, narration: 'Open the menu instead.' }],
    });
  });

  it('asks again, saying why, when an answer cannot be used', async () => {
    const { config, runDir } = await setup();
    const asked: (string | undefined)[] = [];
    const decide: Decider = (_, ctx) => {
      asked.push(ctx.retry?.error.code);
      if (!ctx.retry) return { describe: 'teleport to the moon' };
      if (asked.length === 2) return { replace: [{ action: 'fill', target: { label: 'Email' } }] } as never; // no value
      return 'skip';
    };
    const run = await runPipeline(config, runDir, { decide, log: () => {} });
    expect(asked).toEqual([undefined, 'SR_SCRIPT_LINE_INVALID', 'SR_STEP_INVALID']);
    expect(run.state.steps.s2).toBe('skipped');
  });

  it('a resumed run keeps the replaced step and does not ask again', async () => {
    let failMerge = true;
    const merge: MergePlugin = definePlugin({
      ...listMerge(),
      async run(input, ctx) {
        if (failMerge) throw new Error('disk full');
        return listMerge().run(input, ctx);
      },
    });
    const log: string[] = [];
    const { config, runDir } = await setup({ merge }, log);
    const replace = { replace: [{ action: 'click' as const, target: { name: 'Menu' }, narration: 'Use the menu.' }] };
    const { counted, asked } = counter();
    await runPipeline(config, runDir, { decide: counted(replace) }).catch(() => {});
    expect(asked()).toBe(1);
    failMerge = false;
    log.length = 0;
    const resumed = await runPipeline(config, runDir, { from: 'record', decide: counted('abort' as const) });
    expect(asked()).toBe(1); // the person's answer was kept
    expect(log).toEqual(['s1:done', 's2.1:done', 's3:done']); // the recorder never tried the replaced step again
    expect(resumed.state.status).toBe('done');
    expect(resumed.outputs.record?.steps.map((r) => `${r.step.id}:${r.status}`)).toEqual([
      's1:done',
      's2:replaced',
      's2.1:done',
      's3:done',
    ]);
    expect(resumed.outputs.merge?.narration.map((n) => n.stepId)).toEqual(['s1', 's2.1', 's3']);
  });

  it('reuses a stored "retry" for the same failure instead of asking again', async () => {
    const log: string[] = [];
    const { config, runDir } = await setup({}, log);
    const { counted, asked } = counter();
    // The paper recorder finds "#missing" on the third try: retry, retry, then done.
    await runPipeline(config, runDir, { decide: counted('retry' as const), until: 'record' });
    expect(asked()).toBe(2);
    await runPipeline(config, runDir, { from: 'record', decide: counted('abort' as const) });
    expect(asked()).toBe(2);
  });
});
