import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config.js';
import { ShowrunnerError, withContext } from '../errors.js';
import { callHook } from '../hooks.js';
import type { Demo } from '../schema/demo.js';
import { STAGES } from '../schema/run.js';
import { spoken } from '../tts/narrator.js';
import type { StageName } from '../types.js';
import { parseDemo } from '../validate.js';
import { outputFile, type RunFolder, readRun, updateRun, writeJson } from './folder.js';
import { narratedSteps, type StageOptions } from './inputs.js';
import { narrateWhileRecording } from './overlap.js';
import { runStage } from './stage.js';

/** Options of {@link runPipeline}. */
export interface PipelineOptions extends StageOptions {
  /** Re-run from this stage even if it and later stages have output. */
  from?: StageName;
  /** Stop after this stage (e.g. `parse` for `showrunner plan`). */
  until?: StageName;
  /** Shown the planned demo after parse; returns the approved one (terminal step cards, web review). */
  review?: (demo: Demo) => Promise<Demo>;
}

/**
 * Run a run folder to the end: resume at the first stage without output (later stages re-run),
 * or re-run from `from`. Parse runs only for runs created from a request. Called by the CLI.
 */
export async function runPipeline(config: ResolvedConfig, runDir: string, options: PipelineOptions = {}): Promise<RunFolder> {
  const run = await readRun(runDir);
  const runId = run.state.id;
  const planned = run.state.request !== undefined;
  if (options.from === 'parse' && !planned) {
    throw new ShowrunnerError('SR_USAGE', `Run ${runId} was made from a demo file; it has nothing to plan.`, { file: runDir });
  }
  const stages = STAGES.filter((s) => s !== 'parse' || planned);
  const last = options.until ? stages.indexOf(options.until) : stages.length - 1;
  let first = options.from ? stages.indexOf(options.from) : stages.findIndex((s) => !run.outputs[s]);
  if (first === -1) first = stages.length;

  // Outputs from `first` on are stale: remove them so a crash cannot mix old and new.
  for (const stage of stages.slice(first)) await rm(outputFile(runDir, stage), { force: true });
  if (stages[first] === 'parse') await rm(path.join(runDir, 'demo.json'), { force: true });

  try {
    await callHook(config.plugins, 'onStatusChange', { runId, status: 'running' });
    for (const stage of stages.slice(0, first)) {
      if (stages.indexOf(stage) <= last) await callHook(config.plugins, 'onStatusChange', { runId, stage, status: 'reused' });
    }
    const approve = async (plan: Demo) => {
      const approved = options.review ? parseDemo(await options.review(plan), 'reviewed demo') : plan;
      await writeJson(path.join(runDir, 'demo.json'), approved);
    };
    // Planned, but the review never finished (crash or Ctrl-C at the prompt): review again, don't re-plan.
    if (first > 0 && run.outputs.parse && !run.demo) await approve(run.outputs.parse.demo);
    const todo = stages.slice(first, last + 1);
    for (const stage of todo) {
      if (stage === 'record' && todo.includes('tts')) continue; // ran beside tts
      if (stage === 'tts' && todo.includes('record')) {
        await narrateWhileRecording(config, runDir, options);
        continue;
      }
      if (stage === 'merge' && clipsMissing(await readRun(runDir))) await runStage(config, 'tts', runDir, options);
      const output = await runStage(config, stage, runDir, options);
      if (stage === 'parse') await approve((output as { demo: Demo }).demo);
    }
    if (last === stages.length - 1) {
      await updateRun(runDir, (state) => {
        state.status = 'done';
        delete state.error;
      });
      await callHook(config.plugins, 'onStatusChange', { runId, status: 'done' });
    }
    return await readRun(runDir);
  } catch (err) {
    const error = withContext(err, {});
    await updateRun(runDir, (state) => {
      state.status = 'failed';
      state.error = error.toJSON();
    }).catch(() => {});
    if (!error.hook) await callHook(config.plugins, 'onStatusChange', { runId, status: 'failed', error }).catch(() => {});
    throw error;
  } finally {
    await releasePlugins(config, runId);
  }
}

/** After a recording with replaced steps, some performed steps have no clip yet. */
function clipsMissing(run: RunFolder): boolean {
  const have = new Set(run.outputs.tts?.clips.map((c) => `${c.stepId}\n${c.text}`));
  return narratedSteps(run).some((s) => !have.has(`${s.id}\n${spoken(s)}`));
}

async function releasePlugins(config: ResolvedConfig, runId: string): Promise<void> {
  for (const plugin of config.plugins) {
    if ('release' in plugin && typeof plugin.release === 'function') await plugin.release(runId).catch(() => {});
  }
}
