import { type Demo, StepSchema } from '../schema/demo.js';
import { type PendingFailure, STAGES } from '../schema/run.js';
import { spoken } from '../tts/narrator.js';
import type { StageName } from '../types.js';
import { parseDemo } from '../validate.js';
import { type RunFolder, readRun, runRef } from './folder.js';
import { narratedSteps } from './inputs.js';
import { approve, cancel, failStage, isApproved } from './state.js';
import { type RunDoc, type RunStore, updateRun } from './store.js';

/**
 * What a run needs next, from its stored state alone, so the CLI's loop, a queue worker and a test
 * drive the same machine:
 * - `stages`: run these now (`tts` and `record` together may run side by side);
 * - `review`: the plan waits for approvePlan; nothing runs (a queue enqueues nothing);
 * - `decision`: a failed step waits for a person (the record attempt holding the page asks);
 * - `busy`: these stages are running elsewhere; wait for them;
 * - `done`, or `stopped` (failed or cancelled; a resume starts it again).
 */
export type NextStep =
  | { kind: 'stages'; stages: StageName[] }
  | { kind: 'review' }
  | { kind: 'decision'; pending: PendingFailure }
  | { kind: 'busy'; stages: StageName[] }
  | { kind: 'done' }
  | { kind: 'stopped'; status: 'failed' | 'cancelled'; error?: { code: string; message: string } };

/**
 * Decide what runs next. With `resume`, a failed, cancelled or paused run, and stages marked running
 * by a process that is gone, are treated as not having happened: the run continues at the first stage
 * without output (what `showrunner record --resume` does).
 */
export function nextStep(run: RunDoc, options: { resume?: boolean } = {}): NextStep {
  const { state, outputs } = run;
  const resume = options.resume === true;
  if (!resume && (state.status === 'failed' || state.status === 'cancelled')) {
    return { kind: 'stopped', status: state.status, error: state.error };
  }
  if (!resume && state.status === 'paused' && state.pending) return { kind: 'decision', pending: state.pending };
  const running = resume ? [] : STAGES.filter((s) => state.stages[s]?.status === 'running');
  const todo = (stages: StageName[]): NextStep => {
    const busy = stages.filter((s) => running.includes(s));
    if (running.length && (busy.length === stages.length || !busy.length)) return { kind: 'busy', stages: running };
    return { kind: 'stages', stages: stages.filter((s) => !running.includes(s)) };
  };

  if (state.request && !outputs.parse && !run.demo) return todo(['parse']);
  if (!isApproved(state)) return running.length ? { kind: 'busy', stages: running } : { kind: 'review' };
  if (!outputs.record) return todo(outputs.tts ? ['record'] : ['tts', 'record']);
  if (!outputs.tts || clipsMissing(run)) return todo(['tts']);
  if (!outputs.merge) return todo(['merge']);
  if (!outputs.storage) return todo(['storage']);
  return running.length ? { kind: 'busy', stages: running } : { kind: 'done' };
}

/** After a recording with replaced steps, some performed steps have no clip yet (tts runs again for them). */
function clipsMissing(run: RunDoc): boolean {
  const have = new Set(run.outputs.tts?.clips.map((c) => `${c.stepId}\n${c.text}`));
  return narratedSteps({ dir: '', ...run }).some((s) => !have.has(`${s.id}\n${spoken(s)}`));
}

/**
 * Approve the plan of a run waiting for review, as planned or as edited by a person (the web's step
 * cards, the terminal review). The demo is validated: an error names the step and the field
 * (SR_DEMO_INVALID / SR_LIMIT_EXCEEDED / SR_URL_REFUSED). Throws SR_RUN_STATE when the run is not
 * waiting for review. Called by the CLI, the hosted app's API, and runPipeline with `autoApprove`.
 */
export async function approvePlan(
  runDir: string,
  demo: unknown,
  options: { by: string; auto?: boolean; store?: RunStore } = { by: 'person' },
): Promise<RunFolder> {
  const approved: Demo = parseDemo(demo, 'the reviewed plan');
  for (const step of approved.steps) StepSchema.parse(step); // ids were assigned by parseDemo; re-check they are safe
  const ref = runRef(runDir, options.store);
  const doc = await updateRun(ref.store, ref.runId, (d) => {
    approve(d.state, options.by, options.auto === true, new Date());
    return { demo: approved };
  });
  return { dir: ref.dir, ...doc };
}

/**
 * Cancel a run from anywhere (a web page, another process): it becomes `cancelled`; attempts still
 * running lose their leases, so whatever they finish is not committed. The process running the run
 * should also abort its signal to stop at once. A finished run stays `done`.
 */
export async function cancelRun(runDir: string, options: { by: string; store?: RunStore }): Promise<RunFolder> {
  const ref = runRef(runDir, options.store);
  const doc = await updateRun(ref.store, ref.runId, (d) => {
    cancel(d.state, options.by);
    return {};
  });
  return { dir: ref.dir, ...doc };
}

/** Read a run and what it needs next (for a worker deciding what to enqueue). */
export async function inspectRun(runDir: string, options: { store?: RunStore; resume?: boolean } = {}) {
  const run = await readRun(runDir, options.store);
  return { run, next: nextStep(run, options) };
}

/**
 * Mark a stage failed whose attempt died without saying so (a queue job that stalled too often, a
 * machine that went away), so the run does not wait forever. Does nothing unless the stage is still
 * `running`. Called by a queue worker when BullMQ gives up on a job.
 */
export async function abandonStage(
  runDir: string,
  stage: StageName,
  error: { code: string; message: string },
  options: { store?: RunStore } = {},
): Promise<RunFolder> {
  const ref = runRef(runDir, options.store);
  const doc = await updateRun(ref.store, ref.runId, (d) => {
    const current = d.state.stages[stage];
    if (current?.status !== 'running' || !current.lease) return undefined;
    failStage(d.state, stage, current.lease, error as never, Date.now() - Date.parse(current.startedAt));
    return {};
  });
  return { dir: ref.dir, ...doc };
}
