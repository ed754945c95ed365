import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config.js';
import { requireSlot } from '../config.js';
import { ShowrunnerError, withContext } from '../errors.js';
import type { Demo } from '../schema/demo.js';
import type { StageName, StageResults } from '../types.js';
import { createContext } from './context.js';
import { stageInputs } from './files.js';
import type { RunFolder } from './folder.js';
import { runners, type StageOptions } from './inputs.js';
import { RunScope } from './scope.js';
import { DOWNSTREAM, failStage, finishStage, startStage } from './state.js';
import { type RunDoc, updateRun } from './store.js';

/**
 * Run one stage of a run: take a new attempt's lease, rebuild the stage's input from the run, run the
 * plugin in the attempt's own folder `<runDir>/<stage>/<attempt>/`, then commit its output — only if
 * the lease is still the newest (a duplicate or stalled attempt that was superseded writes nothing and
 * removes its folder; SR_LEASE_LOST). Starting a stage clears the outputs of the stages after it. Safe
 * to retry, and safe to call from another process or machine than the one that ran the previous stage:
 * a queue worker calls it once per job.
 */
export async function runStage<S extends StageName>(
  config: ResolvedConfig,
  stage: S,
  runDir: string,
  options: StageOptions = {},
): Promise<StageResults[S]> {
  const scope = new RunScope(config, runDir, options);
  try {
    return await runStageIn(scope, stage, options);
  } finally {
    await scope.close();
  }
}

/** runStage within a run that is open in this process (the pipeline's loop, tts beside record). */
export async function runStageIn<S extends StageName>(
  scope: RunScope,
  stage: S,
  options: StageOptions,
): Promise<StageResults[S]> {
  const { store, runId, dir: runDir } = scope.ref;
  const plugin = requireSlot(scope.config, stage);
  const lease = randomBytes(9).toString('base64url');
  const started = Date.now();
  let attempt = 0;
  const before = await updateRun(store, runId, (doc) => {
    attempt = startStage(doc.state, stage, lease, new Date(started));
    const stale = DOWNSTREAM[stage].filter((s) => doc.outputs[s]);
    return { outputs: Object.fromEntries(stale.map((s) => [s, null])), demo: stage === 'parse' && doc.demo ? null : undefined };
  });
  const dir = scope.attemptDir(stage, attempt);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  scope.emit('onStatusChange', { runId, stage, status: 'running' });
  const { files } = scope.options;

  try {
    await files?.pull(runId, stageInputs(stage, before), runDir, scope.signal);
    const ctx = createContext(scope, stage, plugin.name, dir);
    const run: RunFolder = { dir: runDir, ...before };
    const output = await runners[stage]({ scope, run, ctx, options, lease });
    ctx.signal.throwIfAborted();
    await scope.bus.flush(stage); // a critical hook that failed on this stage's events fails it
    await files?.push(runId, [path.relative(runDir, dir).split(path.sep).join('/')], runDir, scope.signal); // before the store says done
    await updateRun(store, runId, (doc) => {
      finishStage(doc.state, stage, lease, Date.now() - started);
      if (stage !== 'record') return { outputs: { [stage]: output } };
      const recorded = output as StageResults['record'];
      for (const r of recorded.steps) doc.state.steps[r.step.id] = r.status;
      return { outputs: { record: recorded }, demo: healed(doc, recorded) };
    });
    await removeOlderAttempts(path.dirname(dir), attempt);
    scope.emit('onStatusChange', { runId, stage, status: 'done' });
    return output;
  } catch (err) {
    const error = withContext(err, { stage, plugin: plugin.name });
    const lost = await markFailed(scope, stage, lease, error, Date.now() - started);
    if (lost) {
      await rm(dir, { recursive: true, force: true }); // superseded: leave nothing behind
      throw lost;
    }
    scope.emit('onStatusChange', { runId, stage, status: error.code === 'SR_ABORTED' ? 'cancelled' : 'failed', error });
    throw error;
  }
}

/**
 * Record the failure, unless a newer attempt owns the stage: then return SR_LEASE_LOST for the caller
 * to throw instead (this attempt's story is not the run's any more).
 */
async function markFailed(
  scope: RunScope,
  stage: StageName,
  lease: string,
  error: ShowrunnerError,
  durationMs: number,
): Promise<ShowrunnerError | undefined> {
  let superseded = error.code === 'SR_LEASE_LOST';
  await updateRun(scope.ref.store, scope.runId, (doc) => {
    if (doc.state.stages[stage]?.lease !== lease && doc.state.status !== 'cancelled') {
      superseded = true;
      return undefined;
    }
    failStage(doc.state, stage, lease, error.toJSON(), durationMs);
    return {};
  }).catch(() => {});
  if (!superseded) return undefined;
  if (error.code === 'SR_LEASE_LOST') return error;
  return new ShowrunnerError(
    'SR_LEASE_LOST',
    `A newer attempt of "${stage}" took over run ${scope.runId}; this attempt wrote nothing.`,
    {
      stage,
      cause: error,
    },
  );
}

/** Self-healing: the selectors that worked go back into the demo, so a resumed or re-run recording starts from them. */
function healed(doc: RunDoc, output: StageResults['record']): Demo | undefined {
  if (!doc.demo) return undefined;
  const resolved = new Map(output.steps.map((r) => [r.step.id, r.step.resolved]));
  let changed = false;
  const steps = doc.demo.steps.map((step) => {
    const selector = resolved.get(step.id);
    if (!selector || selector === step.resolved) return step;
    changed = true;
    return { ...step, resolved: selector };
  });
  return changed ? { ...doc.demo, steps } : undefined;
}

/** Older attempts' folders are garbage once an attempt commits (a crashed one never cleans up after itself). */
async function removeOlderAttempts(stageDir: string, keep: number): Promise<void> {
  const entries = await readdir(stageDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isDirectory() && /^\d+$/.test(e.name) && Number(e.name) < keep) {
      await rm(path.join(stageDir, e.name), { recursive: true, force: true });
    }
  }
}
