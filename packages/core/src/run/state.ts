import { type ErrorData, ShowrunnerError } from '../errors.js';
import type { DecisionRecord, PendingFailure, RunState, RunStatus } from '../schema/run.js';
import type { StageName } from '../types.js';

// The run's state machine, in one place. Each transition checks the state it starts from and edits
// `state` in place; callers apply them inside updateRun, so they run under compare-and-set.
//
//   created ─parse→ running ─→ awaiting_review ─approve→ approved ─stage→ running ⇄ paused
//                                                                           │
//            running (idle between stages: approved) ─storage done→ done    ├→ failed | cancelled

/** Stages whose output is stale once a stage runs again (tts re-running keeps the recording: it fills clips for it). */
export const DOWNSTREAM: Record<StageName, StageName[]> = {
  parse: ['tts', 'record', 'merge', 'storage'],
  tts: ['merge', 'storage'],
  record: ['merge', 'storage'],
  merge: ['storage'],
  storage: [],
};

const wrongState = (state: RunState, what: string, hint?: string) =>
  new ShowrunnerError('SR_RUN_STATE', `Run ${state.id} is ${state.status}; it cannot ${what}.`, { field: 'status', hint });

/** True once a person (or `autoApprove`) approved the plan, or the run was made from a demo file. */
export const isApproved = (state: RunState): boolean => state.approval !== undefined;

/**
 * A new attempt of `stage` takes the lease: the stage and the run are `running`, later stages are
 * cleared (their outputs are stale; their leases die with them). Resuming a failed or cancelled run,
 * re-running a stage of a finished one, and re-recording a run whose recorder died while paused start
 * here too (the older attempt's lease is superseded).
 */
export function startStage(state: RunState, stage: StageName, lease: string, now: Date): number {
  if (state.status === 'awaiting_review' && stage !== 'parse') {
    throw wrongState(state, `start ${stage} before the plan is approved`, 'Approve the plan first (approvePlan, or --yes).');
  }
  if (stage !== 'parse' && !isApproved(state)) throw wrongState(state, `start ${stage} without an approved plan`);
  const attempt = Math.max(state.attempts[stage] ?? 0, state.stages[stage]?.attempt ?? 0) + 1;
  state.attempts[stage] = attempt;
  for (const later of DOWNSTREAM[stage]) delete state.stages[later];
  if (stage === 'parse') {
    state.approval = undefined;
    state.decisions = [];
    state.steps = {};
  }
  if (stage === 'record') state.steps = {};
  state.stages[stage] = { status: 'running', startedAt: now.toISOString(), attempt, lease };
  state.status = 'running';
  state.pending = undefined;
  state.error = undefined;
  return attempt;
}

/** Throw unless `lease` is still the newest attempt of `stage` and the run was not cancelled. */
export function checkLease(state: RunState, stage: StageName, lease: string): void {
  if (state.status === 'cancelled') throw new ShowrunnerError('SR_ABORTED', `Run ${state.id} was cancelled.`, { stage });
  if (state.stages[stage]?.lease !== lease) {
    throw new ShowrunnerError(
      'SR_LEASE_LOST',
      `A newer attempt of "${stage}" took over run ${state.id}; this attempt wrote nothing.`,
      {
        stage,
      },
    );
  }
}

/** The attempt finished: the stage is done; the run waits for review (after parse), is done (after storage) or idle. */
export function finishStage(state: RunState, stage: StageName, lease: string, durationMs: number): void {
  checkLease(state, stage, lease);
  const current = state.stages[stage]!;
  state.stages[stage] = { ...current, status: 'done', durationMs };
  if (state.status === 'failed') return; // a sibling stage failed meanwhile (tts beside record): the run stays failed
  if (Object.values(state.stages).some((s) => s?.status === 'running')) return;
  state.status = stage === 'parse' ? 'awaiting_review' : stage === 'storage' ? 'done' : 'approved';
}

/** The attempt failed (or was cancelled): the run is `failed` / `cancelled` and keeps its folder for a resume. */
export function failStage(state: RunState, stage: StageName, lease: string, error: ErrorData, durationMs: number): void {
  const current = state.stages[stage];
  if (current?.lease !== lease) return; // a newer attempt owns the stage: its story wins
  const cancelled = error.code === 'SR_ABORTED';
  state.stages[stage] = { ...current, status: cancelled ? 'cancelled' : 'failed', durationMs, error };
  if (state.status === 'cancelled' || (state.status === 'failed' && cancelled)) return; // the first cause wins
  state.status = cancelled ? 'cancelled' : 'failed';
  state.pending = undefined;
  state.error = error;
}

/** A failed step waits for a decision: the run is `paused` with what the person needs to decide. */
export function pause(state: RunState, lease: string, pending: PendingFailure): void {
  checkLease(state, 'record', lease);
  state.status = 'paused';
  state.pending = pending;
  state.steps[pending.stepId] = 'failed';
}

/** The decision is in: stored (so a resumed run does not ask again), and the run records on. */
export function decided(state: RunState, lease: string, decision: DecisionRecord): void {
  checkLease(state, 'record', lease);
  state.decisions.push(decision);
  state.status = 'running';
  state.pending = undefined;
}

/** The plan is approved (edited or not) by `by`; only while it waits for review or before any later stage ran. */
export function approve(state: RunState, by: string, auto: boolean, now: Date): void {
  const untouched = !(['tts', 'record', 'merge', 'storage'] as const).some((s) => state.stages[s]);
  if (state.status !== 'awaiting_review' && !(state.status === 'approved' && untouched)) {
    throw wrongState(state, 'be approved', 'A plan is approved once, after planning and before recording.');
  }
  state.approval = { by, at: now.toISOString(), auto };
  state.status = 'approved';
}

/** Cancel: any unfinished run becomes `cancelled`; running attempts lose their leases and write nothing more. */
export function cancel(state: RunState, by: string): void {
  if (state.status === 'done' || state.status === 'cancelled') return;
  for (const [stage, s] of Object.entries(state.stages)) {
    if (s?.status === 'running') state.stages[stage as StageName] = { ...s, status: 'cancelled', lease: undefined };
  }
  state.status = 'cancelled';
  state.pending = undefined;
  state.error = { code: 'SR_ABORTED', message: `Cancelled by ${by}.` };
}

/** Statuses in which nothing will happen until someone acts (approve, decide, resume). */
export const WAITING: readonly RunStatus[] = ['awaiting_review', 'paused', 'failed', 'cancelled', 'done'];
