import { definePlugin, type HookPlugin, type RunFolder, type StageName } from '@showrunner/core';
import { setExpiryOnDone } from '../billing/credits';
import { refundRun } from '../db/charges';
import { db } from '../db/client';
import type { RunRow } from '../db/demos';
import { type Logged, reportRun, writePlan } from '../db/worker-writes';
import { queue } from './queue';
import { type RunFailure, type RunResult, typeOf } from './views';

/** Options of {@link statusHook}; the defaults are the worker's. */
export interface StatusHookOptions {
  /** Reads a run from the queue's store (the plan at review, the stored files at the end). */
  read?: (runId: string) => Promise<RunFolder>;
  /** Least time between two progress writes of one stage (the last one is always written). Default 250 ms. */
  progressEveryMs?: number;
}

type Patch = Partial<Omit<RunRow, 'id' | 'demoId' | 'createdAt' | 'updatedAt'>>;
/** The record stage is what the page shows while the voice speaks beside it. */
const current = (active: Set<StageName>): StageName | undefined => (active.has('record') ? 'record' : [...active].at(-1));

/**
 * The hook-only plugin every hosted worker adds: each hook event becomes an update of the run's row
 * and a demo_events row, in one transaction (the trigger then NOTIFYs the pages). What it writes:
 * - a stage running / done / failed / cancelled → runs.status, stage, progress; `status` event;
 * - the plan reached review (parse done) → the plan's steps copied into `steps`, the demo's title;
 *   `status` (awaiting_review) and `steps` events;
 * - storage done → runs.result (the stored files, merge's duration and chapters), duration_ms; `status` done;
 *   the demo's expires_at from its owner's plan retention;
 * - failed / cancelled before the record stage began (no `status` event of stage record) → the run's credit refunded;
 * - a step starts or ends → step_index, step_count; `step` event { phase, index, count, stepId, ... };
 * - a step failed / the run paused → runs.failure (with the screenshot's run path and the deadline);
 *   `failure` and `status` (paused) events; the run going on → failure cleared, `status` running;
 * - progress within a stage → runs.progress (0..1, at most every `progressEveryMs`); `progress` event.
 * A run the page already finished (cancelled) is never changed back. Hooks run off the recording clock.
 */
export function statusHook(options: StatusHookOptions = {}): HookPlugin {
  const read = options.read ?? ((runId: string) => queue().read(runId));
  const every = options.progressEveryMs ?? 250;
  const active = new Map<string, Set<StageName>>();
  const counts = new Map<string, number>();
  const lastProgress = new Map<string, number>();
  const stagesOf = (runId: string) => {
    const set = active.get(runId) ?? new Set<StageName>();
    active.set(runId, set);
    return set;
  };
  const forget = (runId: string) => {
    active.delete(runId);
    counts.delete(runId);
    for (const key of lastProgress.keys()) if (key.startsWith(`${runId}:`)) lastProgress.delete(key);
  };
  const report = (runId: string, patch: Patch, events: Logged[] | ((demoId: string) => Logged[]), only?: { stage?: string }) =>
    db().transaction((tx) => reportRun(tx, runId, patch, events, only));
  const countOf = async (runId: string) => {
    if (!counts.has(runId)) counts.set(runId, (await read(runId)).demo?.steps.length ?? 0);
    return counts.get(runId)!;
  };

  async function reachedReview(runId: string): Promise<void> {
    const run = await read(runId);
    if (run.state.status !== 'awaiting_review' || !run.outputs.parse) return;
    const plan = run.outputs.parse.demo;
    forget(runId);
    await db().transaction(async (tx) => {
      // Once review began, the person's cards are the truth: a repeated report (a parse job run twice)
      // must not put the planner's cards back, nor move a demo waiting for payment back to review.
      const demoId = await reportRun(
        tx,
        runId,
        { status: 'awaiting_review', stage: null, progress: null },
        [
          { type: 'status', data: { status: 'awaiting_review' } },
          { type: 'steps', data: { count: plan.steps.length } },
        ],
        { planning: true },
      );
      if (demoId) await writePlan(tx, demoId, plan.steps, plan.title);
    });
  }

  async function finished(runId: string): Promise<void> {
    const { outputs } = await read(runId);
    if (!outputs.storage) return;
    forget(runId);
    const durationMs = Math.round(outputs.merge?.durationMs ?? 0);
    const result: RunResult = {
      url: outputs.storage.url,
      files: outputs.storage.files.map((f) => ({ role: f.role, path: f.path, url: f.url, contentType: typeOf(f.path) })),
      durationMs,
      chapters: outputs.merge?.chapters?.map(({ title, startMs, endMs }) => ({ title, startMs, endMs })),
    };
    const patch = { status: 'done', stage: null, progress: 1, result, durationMs, failure: null, finishedAt: new Date() };
    await db().transaction(async (tx) => {
      const demoId = await reportRun(tx, runId, patch, [{ type: 'status', data: { status: 'done', durationMs } }]);
      if (demoId) await setExpiryOnDone(tx, runId);
    });
  }

  const stopped = (runId: string, status: 'failed' | 'cancelled', error?: { code: string; message: string }, stage?: string) => {
    forget(runId);
    const e = error && { code: error.code, message: pageMessage(error.message) };
    const patch = { status, failure: null, errorCode: e?.code ?? null, errorMessage: e?.message ?? null, finishedAt: new Date() };
    return db().transaction(async (tx) => {
      const demoId = await reportRun(tx, runId, patch, [{ type: 'status', data: { status, stage, error: e } }]);
      // Ended before the recording began (parse or voice failed, cancelled at review): the credit comes back, once.
      if (demoId) await refundRun(tx, runId);
    });
  };

  return definePlugin({
    name: 'hosted:status',
    hooks: {
      async onStatusChange({ runId, stage, status, error }) {
        if (!stage) {
          if (status === 'paused') {
            const pending = (await read(runId)).state.pending;
            const failure: RunFailure | null = pending
              ? { ...pick(pending), screenshot: pending.screenshot, pageUrl: pending.pageUrl, deadline: pending.deadline }
              : null;
            await report(runId, { status: 'paused', failure }, [
              { type: 'status', data: { status: 'paused', deadline: failure?.deadline } },
            ]);
          } else if (status === 'running') {
            await report(runId, { status: 'running', failure: null }, [{ type: 'status', data: { status: 'running' } }]);
          } else if (status === 'awaiting_review') await reachedReview(runId);
          else if (status === 'done') await finished(runId);
          else if (status === 'failed' || status === 'cancelled') await stopped(runId, status, error);
          return;
        }
        const stages = stagesOf(runId);
        if (status === 'running') {
          stages.add(stage);
          const shown = current(stages)!;
          const patch: Patch = { status: 'running', stage: shown, errorCode: null, errorMessage: null };
          if (shown === stage) patch.progress = stage === 'record' ? null : 0;
          if (stage === 'record') Object.assign(patch, { stepIndex: null, stepCount: await countOf(runId) });
          await report(runId, patch, [{ type: 'status', data: { status: 'running', stage: shown, stageStatus: 'running' } }]);
        } else if (status === 'done' && stage === 'parse') {
          stages.delete(stage);
          await reachedReview(runId);
        } else if (status === 'done' && stage === 'storage') {
          await finished(runId);
        } else if (status === 'done' || status === 'reused') {
          stages.delete(stage);
          if (status === 'reused') return;
          await report(runId, { progress: 1 }, [{ type: 'status', data: { status: 'running', stage, stageStatus: 'done' } }], {
            stage,
          });
        } else if (status === 'failed' || status === 'cancelled') {
          await stopped(runId, status, error, stage);
        }
      },

      async onStepStart({ runId, index, step }) {
        const count = await countOf(runId);
        const data = {
          phase: 'start',
          index,
          count,
          stepId: step.id,
          action: step.action,
          title: step.title,
          narration: step.narration,
        };
        await report(runId, { stepIndex: index, stepCount: count }, [{ type: 'step', data }]);
      },

      async onStepEnd({ runId, index, step, result }) {
        const count = await countOf(runId);
        const data = { phase: 'end', index, count, stepId: step.id, status: result.status };
        await report(runId, { stepIndex: index }, [{ type: 'step', data }]);
      },

      async onStepFailed({ runId, index, step, error, attempt, screenshot, pageUrl }) {
        const failure: RunFailure = { stepId: step.id, index, code: error.code, message: pageMessage(error.message), attempt };
        if (screenshot) failure.screenshot = screenshot;
        if (pageUrl) failure.pageUrl = pageUrl;
        await report(runId, { failure }, (demoId) => [
          {
            type: 'failure',
            data: {
              ...failure,
              screenshot: undefined,
              screenshotUrl: screenshot ? `/api/demos/${demoId}/files/failure` : undefined,
            },
          },
        ]);
      },

      async onProgress({ runId, stage, done, total, message }) {
        const key = `${runId}:${stage}`;
        const now = Date.now();
        if (done < total && now - (lastProgress.get(key) ?? 0) < every) return;
        lastProgress.set(key, now);
        const progress = total > 0 ? Math.min(1, done / total) : 0;
        await report(runId, { progress }, [{ type: 'progress', data: { stage, done, total, progress, message } }], { stage });
      },
    },
  });
}

const pick = (p: { stepId: string; index: number; code: string; message: string; attempt: number }) => ({
  stepId: p.stepId,
  index: p.index,
  code: p.code,
  message: pageMessage(p.message),
  attempt: p.attempt,
});

/** An error message as the page shows it: whole (a target error lists what was tried on the next lines), bounded. */
const pageMessage = (message: string) => (message.length > 2000 ? `${message.slice(0, 1999)}…` : message);
