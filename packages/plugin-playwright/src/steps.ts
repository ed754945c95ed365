import { type RecordInput, ShowrunnerError, type StageContext, type Step, type StepResult, withContext } from '@showrunner/core';
import { type ActionContext, perform } from './actions.js';
import type { Clock } from './clock.js';
import type { Deadline } from './deadline.js';
import { classify, gatherEvidence } from './failure.js';
import { checkTarget } from './navigation.js';
import { PLUGIN_NAME, type ResolvedOptions } from './options.js';
import type { Secrets } from './secrets.js';
import type { Session } from './session.js';
import { abortable, sleep } from './util.js';

/** Everything the step runner uses; built by the recorder once per run. */
export interface StepRunnerDeps {
  input: RecordInput;
  ctx: StageContext;
  options: ResolvedOptions;
  session: Session;
  clock: Clock;
  secrets: Secrets;
  actions: ActionContext;
  deadline: Deadline;
  /** Aborts, with the ShowrunnerError to end the recording with, on cancel or at the deadline. */
  stop: AbortSignal;
  /** Called after each step's result is in, without waiting (the recorded parts for a live merge). */
  onStepEnd?: (results: readonly StepResult[]) => void;
}

/**
 * Perform the demo's steps in order, serially, on the recording clock. Each step: `onStepStart`,
 * its clip length asked for (in step order), the action, then a hold until lead + clip + gap has
 * passed, `onStepEnd`. A failed attempt (including a navigation the page made that the run's
 * policy refuses, anywhere in the step) is cut from the recording (the clock pauses), retried
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
    deps.onStepEnd?.(results);
    await ctx.emit('onStepEnd', { step: outcome.result.step, index, result: outcome.result });
    if (outcome.replace) {
      // Replacement steps pass the same checks as the demo's own, before any of them runs.
      await deps.secrets.load(outcome.replace, ctx.policy, index);
      for (const [i, s] of outcome.replace.entries()) {
        if (s.action === 'goto')
          checkTarget(ctx.policy, deps.actions.start, deps.actions.resolveUrl(String(s.value)), { step: s, index: index + i });
      }
      queue.unshift(...outcome.replace.map((s) => ({ step: s, index })));
    }
    await ctx.emit('onProgress', { done: results.length, total: results.length + queue.length, message: step.id });
  }
  return results;
}

/**
 * A signal for one attempt: aborts with the reason to stop (cancel, deadline, crash, or a refused
 * navigation of the page, even one still pending from before the attempt began).
 */
function attemptSignal(deps: StepRunnerDeps): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const fromRun = () => stop(deps.stop.reason);
  deps.stop.addEventListener('abort', fromRun, { once: true });
  if (deps.stop.aborted) fromRun();
  deps.session.lost.catch(stop);
  const off = deps.session.watch.onViolation(stop);
  const pending = deps.session.watch.pending;
  if (pending) stop(pending);
  return {
    signal: controller.signal,
    dispose: () => {
      off();
      deps.stop.removeEventListener('abort', fromRun);
    },
  };
}

async function runStep(deps: StepRunnerDeps, step: Step, index: number): Promise<{ result: StepResult; replace?: Step[] }> {
  const { input, ctx, options, session, clock, secrets } = deps;
  const clip = input.clipDuration(step);
  clip.catch(() => {}); // awaited after the action; a rejection surfaces there
  let attempt = 1;
  let silentRetries = options.retries;
  for (let pausedBefore = false; ; pausedBefore = true) {
    guard(deps);
    // The page left while a decision was waited for: those frames are dropped anyway, so bring it back quietly.
    if (pausedBefore && session.watch.pending) {
      ctx.log.info(`step ${index + 1} (${step.id}): ${session.watch.pending.message} Brought it back before the attempt.`);
      await abortable(session.watch.restore(options.navigationTimeoutMs), deps.stop);
    }
    clock.resume();
    if (pausedBefore) await session.overlay.nudge(); // a fresh frame of the page as it is now
    const startWall = Date.now();
    const startMs = clock.now();
    const current = attemptSignal(deps);
    deps.actions.signal = current.signal;
    try {
      const done = await abortable(perform(step, index, deps.actions), current.signal);
      if (done.strategy && done.strategy !== 'resolved' && step.resolved) {
        ctx.log.info(`step ${index + 1} (${step.id}): cached selector no longer matches; found by ${done.strategy} instead`);
      }
      const narrationMs = startMs + options.leadMs;
      const clipMs = await abortable(clip, current.signal);
      // The hold is part of the step: a page that leaves while its line is spoken fails the step.
      await holdUntil(deps, narrationMs + clipMs + options.gapMs, current.signal);
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
    } catch (err) {
      const stopped = current.signal.aborted ? (current.signal.reason as ShowrunnerError) : undefined;
      const { error, fatal, retryable } = classify(err, { index, step, plugin: PLUGIN_NAME }, secrets, stopped);
      if (fatal) throw error;
      clock.pause(startWall); // the failed attempt is not part of the recording
      if (session.watch.raised(error)) {
        ctx.log.info(`step ${index + 1} (${step.id}): ${error.message.split('\n')[0]}`);
        await abortable(session.watch.restore(options.navigationTimeoutMs), deps.stop);
      }
      if (retryable && silentRetries > 0) {
        silentRetries--;
        ctx.log.info(`step ${index + 1} (${step.id}): ${error.code}, retrying`);
        await sleep(300, deps.stop);
        continue;
      }
      const decision = await decide(deps, { step, index, attempt, error });
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
    } finally {
      current.dispose();
    }
  }
}

/**
 * Gather the evidence and ask `decide`, with the recording deadline paused (a person may take
 * minutes) and the wait ended by a cancel.
 */
async function decide(
  deps: StepRunnerDeps,
  failure: { step: Step; index: number; attempt: number; error: ShowrunnerError },
): ReturnType<RecordInput['decide']> {
  const { ctx, session, secrets, deadline } = deps;
  const { step } = failure;
  const name = `${failure.index + 1}-${step.id}-${failure.attempt}`;
  const evidence = await gatherEvidence(session.page, ctx, name, secrets, deps.stop);
  ctx.log.info(`step ${failure.index + 1} (${step.id}) failed: ${failure.error.message.split('\n')[0]}`);
  deadline.pause();
  try {
    return await abortable(deps.input.decide({ ...failure, ...evidence }), deps.stop);
  } finally {
    deadline.resume();
    guard(deps);
  }
}

/** Keep the page on screen until the recording clock reaches `untilMs` (a crash, cancel or refused navigation ends it early). */
async function holdUntil(deps: StepRunnerDeps, untilMs: number, signal: AbortSignal): Promise<void> {
  for (;;) {
    guard(deps);
    const left = untilMs - deps.clock.now();
    if (left <= 0) return;
    await sleep(Math.min(left, 100), signal);
  }
}

/** Throw at once if the run was cancelled, passed its deadline, or the browser is gone. */
function guard({ session, stop }: StepRunnerDeps): void {
  if (session.crash) throw session.crash;
  if (stop.aborted) throw stop.reason;
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;
