import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config.js';
import { requireSlot } from '../config.js';
import { type ShowrunnerError, withContext } from '../errors.js';
import { callHook } from '../hooks.js';
import type { StageName, StageResults } from '../types.js';
import { createContext } from './context.js';
import { outputFile, type RunFolder, readRun, updateRun, writeJson } from './folder.js';
import { runners, type StageOptions } from './inputs.js';

/**
 * Run one stage of a run: rebuild its input from the folder, empty and refill `<runDir>/<stage>/`,
 * write `output.json` last. Safe to retry (each attempt starts clean) and safe to call from another
 * process than the one that ran the previous stage. The hosted worker calls it once per queue job.
 */
export async function runStage<S extends StageName>(
  config: ResolvedConfig,
  stage: S,
  runDir: string,
  options: StageOptions = {},
): Promise<StageResults[S]> {
  const run = await readRun(runDir);
  const plugin = requireSlot(config, stage);
  const runId = run.state.id;
  const dir = path.join(runDir, stage);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });

  const started = Date.now();
  await updateRun(runDir, (state) => {
    state.status = 'running';
    state.stages[stage] = { status: 'running', startedAt: new Date(started).toISOString() };
  });
  try {
    await callHook(config.plugins, 'onStatusChange', { runId, stage, status: 'running' });
    const ctx = createContext(config, runDir, stage, plugin.name, options);
    const output = await runners[stage](config, run, ctx, options);
    ctx.signal.throwIfAborted();
    await writeJson(outputFile(runDir, stage), output);
    await updateRun(runDir, (state) => {
      state.stages[stage] = { status: 'done', startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
      if (stage === 'record') {
        for (const r of (output as StageResults['record']).steps) state.steps[r.step.id] = r.status;
      }
    });
    if (stage === 'record') await keepResolved(runDir, run, output as StageResults['record']);
    await callHook(config.plugins, 'onStatusChange', { runId, stage, status: 'done' });
    return output;
  } catch (err) {
    const error = withContext(err, { stage, plugin: plugin.name });
    await markFailed(config, runDir, runId, stage, started, error);
    throw error;
  }
}

/** Record the failure in run.json and tell the hooks; the stage's error wins over a failing hook. */
async function markFailed(
  config: ResolvedConfig,
  runDir: string,
  runId: string,
  stage: StageName,
  started: number,
  error: ShowrunnerError,
): Promise<void> {
  await updateRun(runDir, (state) => {
    state.status = 'failed';
    state.error = error.toJSON();
    state.stages[stage] = {
      status: 'failed',
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      error: error.toJSON(),
    };
  }).catch(() => {});
  if (error.hook) return; // a hook already failed; calling hooks again would only repeat it
  await callHook(config.plugins, 'onStatusChange', { runId, stage, status: 'failed', error }).catch(() => {});
}

/** Self-healing: the selectors that worked go back into demo.json, so a resumed or re-run recording starts from them. */
async function keepResolved(runDir: string, run: RunFolder, output: StageResults['record']): Promise<void> {
  if (!run.demo) return;
  const resolved = new Map(output.steps.map((r) => [r.step.id, r.step.resolved]));
  const steps = run.demo.steps.map((step) => {
    const selector = resolved.get(step.id);
    return selector && selector !== step.resolved ? { ...step, resolved: selector } : step;
  });
  if (steps.some((step, i) => step !== run.demo?.steps[i]))
    await writeJson(path.join(runDir, 'demo.json'), { ...run.demo, steps });
}
