import { type RecordInput, ShowrunnerError, type StageContext, type Step, type StepResult, withContext } from '@showrunner/core';
import { type ActionContext, type ActionResult, perform } from './actions.js';
import type { Clock } from './clock.js';
import { classify, gatherEvidence } from './failure.js';
import { PLUGIN_NAME, type ResolvedOptions } from './options.js';
import type { Secrets } from './secrets.js';
import type { Session } from './session.js';
import { sleep } from './util.js';

/** Everything the step runner uses; built by the recorder once per run. */
export interface StepRunnerDeps {
  input: RecordInput;
  ctx: StageContext;
  options: ResolvedOptions;
  session: Session;
  clock: Clock;
  secrets: Secrets;
  actions: ActionContext;
}

/**
 * Perform the demo's steps in order, serially, on the recording clock. Each step: `onStepStart`,
 * its clip length asked for (in step order), the action, then a hold until lead + clip + gap has
 * passed, `onStepEnd`. A failed attempt is cut from the recording (the clock pauses), retried
 * silently for timeouts and navigation errors (`retries`), then handed to `decide`.
 */
export async function runSteps(deps: StepRunnerDeps): Promise<StepResult[]> {
  const { input, ctx } = deps;
  const results: StepResult[] = [];
  const queue = input.demo.steps.map((step, index) => ({ step, index }));
  while (queue.length) {
    const { step, index } = queue.shift()!;
    await ctx.emit('onStepStart', { step, index });
    const outcome = await runStep(deps, step, index).catch((err: unknown) => {
      throw withContext(err, { stage: 'record', plugin: PLUGIN_NAME, step: { index, id: step.id } });
    });
    results.push(outcome.result);
    await ctx.emit('onStepEnd', { step: outcome.result.step, index, result: outcome.result });
    if (outcome.replace) {
      deps.secrets.check(outcome.replace, index);
      queue.unshift(...outcome.replace.map((s) => ({ step: s, index })));
    }
    await ctx.emit('onProgress', { done: results.length, total: results.length + queue.length, message: step.id });
  }
  return results;
}

async function runStep(deps: StepRunnerDeps, step: Step, index: number): Promise<{ result: StepResult; replace?: Step[] }> {
  const { input, ctx, options, session, clock, secrets } = deps;
  const clip = input.clipDuration(step);
  clip.catch(() => {}); // awaited after the action; a rejection surfaces there
  let attempt = 1;
  let silentRetries = options.retries;
  for (let pausedBefore = false; ; pausedBefore = true) {
    guard(deps);
    clock.resume();
    if (pausedBefore) await session.overlay.nudge(); // a fresh frame of the page as it is now
    const startWall = Date.now();
    const startMs = clock.now();
    let done: ActionResult;
    try {
      done = await Promise.race([perform(step, index, deps.actions), session.lost]);
    } catch (err) {
      const { error, fatal, retryable } = classify(
        err,
        { index, step, plugin: PLUGIN_NAME },
        secrets,
        session.crash,
        ctx.signal.aborted,
      );
      if (fatal) throw error;
      clock.pause(startWall); // the failed attempt is not part of the recording
      if (retryable && silentRetries > 0) {
        silentRetries--;
        ctx.log.info(`step ${index + 1} (${step.id}): ${error.code}, retrying`);
        await sleep(300);
        continue;
      }
      const evidence = await gatherEvidence(session.page, ctx, `${index + 1}-${step.id}-${attempt}`, secrets);
      ctx.log.info(`step ${index + 1} (${step.id}) failed: ${error.message.split('\n')[0]}`);
      const decision = await input.decide({ step, index, attempt, error, ...evidence });
      guard(deps);
      const failed = { code: error.code, message: error.message };
      if (decision === 'retry') {
        attempt++;
        silentRetries = options.retries;
        continue;
      }
      if (decision === 'skip') return { result: { step, status: 'skipped', error: failed } };
      if (decision === 'abort') {
        throw new ShowrunnerError('SR_STEP_ABORTED', `Step ${index + 1} ("${step.id}") failed and the recording was aborted.`, {
          stage: 'record',
          plugin: PLUGIN_NAME,
          step: { index, id: step.id },
          cause: error,
          hint: 'The run folder is kept. Fix the demo or the app, then resume the run: recording starts again from step 1.',
        });
      }
      return { result: { step, status: 'replaced', error: failed }, replace: decision.replace };
    }

    if (done.strategy && done.strategy !== 'resolved' && step.resolved) {
      ctx.log.info(`step ${index + 1} (${step.id}): cached selector no longer matches; found by ${done.strategy} instead`);
    }
    const narrationMs = startMs + options.leadMs;
    const clipMs = await Promise.race([clip, session.lost]);
    await holdUntil(deps, narrationMs + clipMs + options.gapMs);
    const performed: Step = done.resolved ? { ...step, resolved: done.resolved } : step;
    const result: StepResult = {
      step: performed,
      status: 'done',
      startMs: r3(startMs),
      narrationMs: r3(narrationMs),
      endMs: r3(clock.now()),
    };
    if (done.box) result.box = done.box;
    return { result };
  }
}

/** Keep the page on screen until the recording clock reaches `untilMs` (a crash or cancel ends it early). */
async function holdUntil(deps: StepRunnerDeps, untilMs: number): Promise<void> {
  for (;;) {
    guard(deps);
    const left = untilMs - deps.clock.now();
    if (left <= 0) return;
    await Promise.race([sleep(Math.min(left, 100)), deps.session.lost]);
  }
}

/** Throw at once if the run was cancelled or the browser is gone. */
function guard({ ctx, session }: StepRunnerDeps): void {
  if (session.crash) throw session.crash;
  if (ctx.signal.aborted)
    throw new ShowrunnerError('SR_ABORTED', 'The recording was cancelled.', { stage: 'record', plugin: PLUGIN_NAME });
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;
