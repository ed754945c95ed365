import type { ResolvedConfig } from '../config.js';
import { ShowrunnerError, withContext } from '../errors.js';
import type { Demo } from '../schema/demo.js';
import { STAGES } from '../schema/run.js';
import type { StageName } from '../types.js';
import { type RunFolder, readRun } from './folder.js';
import { needDemo, type StageOptions } from './inputs.js';
import { approvePlan, nextStep } from './orchestrate.js';
import { recordBeside } from './overlap.js';
import { RunScope } from './scope.js';
import { runStageIn } from './stage.js';
import { cancel } from './state.js';
import { updateRun } from './store.js';

/** Options of {@link runPipeline}. */
export interface PipelineOptions extends StageOptions {
  /** Re-run from this stage even if it and later stages have output. */
  from?: StageName;
  /** Stop after this stage (e.g. `parse` for `showrunner plan`). */
  until?: StageName;
  /** Shown the planned demo; returns the approved one (terminal step cards). Wins over `autoApprove`. */
  review?: (demo: Demo) => Promise<Demo>;
  /** Approve the plan without review (`--yes`). Without it and without `review`, the run stops at `awaiting_review`. */
  autoApprove?: boolean;
}

/**
 * Run a run in this process until it is done or has to wait: resume at the first stage without output
 * (later stages re-run), or re-run from `from`. A planned run stops at `awaiting_review` unless
 * `review` or `autoApprove` is given. Cancelling (`signal`) ends it `cancelled` with its folder intact.
 * Called by the CLI; a queue worker calls runStage per job instead, with nextStep to decide.
 */
export async function runPipeline(config: ResolvedConfig, runDir: string, options: PipelineOptions = {}): Promise<RunFolder> {
  const scope = new RunScope(config, runDir, options);
  const { store, runId } = scope.ref;
  const until = options.until ? STAGES.indexOf(options.until) : STAGES.length - 1;
  try {
    let run = await readRun(runDir, store);
    if (options.from) run = await resetFrom(scope, run, options.from);
    scope.emit('onStatusChange', { runId, status: 'running' });
    for (const stage of STAGES) {
      if (run.outputs[stage] && STAGES.indexOf(stage) <= until) scope.emit('onStatusChange', { runId, stage, status: 'reused' });
    }
    let live: string | undefined; // the merge plugin's early work, when it ran beside this recording
    for (;;) {
      scope.signal.throwIfAborted();
      const next = nextStep(run, { resume: true });
      if (next.kind === 'done') break;
      if (next.kind === 'review') {
        if (!run.outputs.parse)
          throw new ShowrunnerError('SR_RUN_INVALID', `Run ${runId} has no plan to review.`, { file: runDir });
        if (!options.review && !options.autoApprove) {
          scope.emit('onStatusChange', { runId, status: 'awaiting_review' });
          return await readRun(runDir, store);
        }
        const plan = run.outputs.parse.demo;
        const approved = options.review ? await options.review(plan) : plan;
        run = await approvePlan(runDir, approved, { by: options.review ? 'reviewer' : 'auto', auto: !options.review, store });
        continue;
      }
      if (next.kind !== 'stages') throw new ShowrunnerError('SR_RUN_STATE', `Run ${runId} cannot continue (${next.kind}).`);
      const stages = next.stages.filter((s) => STAGES.indexOf(s) <= until);
      if (!stages.length) return await readRun(runDir, store);
      live = await runSome(scope, run, stages, options, live, until >= STAGES.indexOf('merge'));
      run = await readRun(runDir, store);
    }
    scope.emit('onStatusChange', { runId, status: 'done' });
    return run;
  } catch (err) {
    const error = withContext(err, {});
    const cancelled = error.code === 'SR_ABORTED' || scope.signal.aborted;
    if (cancelled) {
      await updateRun(store, runId, (d) => {
        cancel(d.state, 'signal');
        return {};
      }).catch(() => {});
    }
    scope.emit('onStatusChange', { runId, status: cancelled ? 'cancelled' : 'failed', error });
    throw cancelled && error.code !== 'SR_ABORTED'
      ? new ShowrunnerError('SR_ABORTED', 'The run was cancelled.', { cause: error })
      : error;
  } finally {
    await scope.close();
  }
}

/** `from`: forget the outputs of `stage` and every later stage (and the approval, from parse). */
async function resetFrom(scope: RunScope, run: RunFolder, stage: StageName): Promise<RunFolder> {
  if (stage === 'parse' && !run.state.request) {
    throw new ShowrunnerError('SR_USAGE', `Run ${run.state.id} was made from a demo file; it has nothing to plan.`, {
      file: run.dir,
    });
  }
  const later = STAGES.slice(STAGES.indexOf(stage));
  const doc = await updateRun(scope.ref.store, scope.runId, (d) => {
    for (const s of later) delete d.state.stages[s];
    if (stage === 'parse') d.state.approval = undefined;
    if (d.state.status === 'done') d.state.status = d.state.approval ? 'approved' : 'created';
    const outputs = Object.fromEntries(later.filter((s) => d.outputs[s]).map((s) => [s, null]));
    return { outputs, demo: stage === 'parse' && d.demo ? null : undefined };
  });
  return { dir: run.dir, ...doc };
}

/**
 * Run these stages of a run now, in this process: `record` with what overlaps it (`tts` when listed, the
 * merge plugin's `live` when the config encodes while recording), anything else one after the other; a
 * `merge` listed after `record` gets the live folder. For a queue worker whose job is "record" (with the
 * voice when it has not spoken yet, and the merge when the config encodes while recording); the CLI uses runPipeline.
 */
export async function runStages(
  config: ResolvedConfig,
  runDir: string,
  stages: StageName[],
  options: StageOptions = {},
): Promise<void> {
  const scope = new RunScope(config, runDir, options);
  try {
    const run = await readRun(runDir, scope.ref.store);
    const first = stages.includes('record') ? stages.filter((s) => s === 'tts' || s === 'record') : stages;
    const live = await runSome(scope, run, first, options, undefined, stages.includes('merge'));
    const rest = stages.filter((s) => !first.includes(s));
    if (rest.length) {
      // A recording with replaced steps needs the voice again first: the rest then waits for its own job.
      const next = nextStep(await readRun(runDir, scope.ref.store));
      if (next.kind === 'stages' && next.stages.every((s) => rest.includes(s)))
        await runSome(scope, run, rest, options, live, true);
    }
  } finally {
    await scope.close();
  }
}

/**
 * Run these stages now: record with what overlaps it (tts, and the live merge when this process merges
 * next: `merges`; see recordBeside), anything else one after the other, the merge with the live folder
 * when there is one. Returns the live folder.
 */
async function runSome(
  scope: RunScope,
  run: RunFolder,
  stages: StageName[],
  options: StageOptions,
  live: string | undefined,
  merges: boolean,
): Promise<string | undefined> {
  if (stages.includes('record')) {
    const demo = needDemo(run, scope);
    const beside = { tts: stages.includes('tts'), merge: merges && scope.config.encodeWhileRecording };
    live = await recordBeside(scope, demo, options, run.outputs.tts?.clips ?? [], beside);
  }
  for (const stage of stages) {
    if (stage === 'record' || (stage === 'tts' && stages.includes('record'))) continue;
    await runStageIn(scope, stage, stage === 'merge' ? { ...options, live } : options);
  }
  return live;
}
