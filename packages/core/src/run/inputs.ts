import type { ResolvedConfig } from '../config.js';
import { requireSlot } from '../config.js';
import { ShowrunnerError } from '../errors.js';
import type { StageContext } from '../plugin.js';
import { slugify } from '../policy/paths.js';
import type { Demo, Step } from '../schema/demo.js';
import type { Clip } from '../schema/run.js';
import { Narrator, spoken } from '../tts/narrator.js';
import type { Decider, StageName, StageResults } from '../types.js';
import { parseDemo } from '../validate.js';
import { createContext, type RunOptions } from './context.js';
import { guardDecide } from './decide.js';
import type { RunFolder } from './folder.js';

/** Options for a single stage: the run options plus the record stage's failure answerer. */
export interface StageOptions extends RunOptions {
  /** Answers failed steps (CLI prompt, app pause). Without it, the config's `onFail` policy answers. */
  decide?: Decider;
  /** Clip lengths already known or on their way (set by the pipeline when tts runs beside record). */
  clipDuration?: (step: Step) => Promise<number> | undefined;
  /** Called as each clip is written (the pipeline feeds the recorder from it). */
  onClip?: (clip: Clip) => void;
}

type Runner<S extends StageName> = (
  config: ResolvedConfig,
  run: RunFolder,
  ctx: StageContext,
  options: StageOptions,
) => Promise<StageResults[S]>;

/** For each stage: rebuild its input from the run folder, call the plugin, return what output.json holds. */
export const runners: { [S in StageName]: Runner<S> } = {
  async parse(config, run, ctx) {
    const { request } = run.state;
    if (!request) throw invalid(run, 'has no request to plan (it was made from a demo file)');
    const plugin = requireSlot(config, 'parse');
    // A start path is planned against the base URL, so the planner can open the real page.
    const url = config.baseUrl && !/^[a-z][\w+.-]*:/i.test(request.url) ? new URL(request.url, config.baseUrl).href : request.url;
    const out = await plugin.run({ ...request, url }, ctx);
    return { demo: parseDemo(out.demo, `plan from ${plugin.name}`) };
  },

  async tts(config, run, ctx, options) {
    const demo = needDemo(run);
    const narrator = new Narrator(requireSlot(config, 'tts'), ctx, demo.voice);
    const steps = narratedSteps(run);
    const clips: Clip[] = [];
    for (const [i, step] of steps.entries()) {
      ctx.signal.throwIfAborted();
      const clip = await narrator.clip(step, ctx.dir);
      clips.push(clip);
      options.onClip?.(clip);
      await ctx.artifact(ctx.resolve(clip.path), 'clip');
      await ctx.emit('onProgress', { done: i + 1, total: steps.length, message: `${step.id}${clip.cached ? ' (cached)' : ''}` });
    }
    const hits = clips.filter((c) => c.cached).length;
    return { clips, cache: { hits, misses: clips.filter((c) => c.text && !c.cached).length } };
  },

  async record(config, run, ctx, options) {
    const demo = needDemo(run);
    const known = new Map(run.outputs.tts?.clips.map((c) => [c.stepId, c]));
    let narrator: Narrator | undefined;
    const clipDuration = async (step: Step) => {
      const early = options.clipDuration?.(step);
      if (early) return early;
      const clip = known.get(step.id);
      if (clip && clip.text === spoken(step)) return clip.durationMs;
      // A step added by "replace" or edited since tts ran: synthesize into the cache only.
      const tts = requireSlot(config, 'tts');
      narrator ??= new Narrator(tts, createContext(config, run.dir, 'tts', tts.name, options), demo.voice);
      return narrator.duration(step);
    };
    const decide = guardDecide(config, run.dir, run.state.id, options.decide);
    return requireSlot(config, 'record').run({ demo, baseUrl: config.baseUrl, clipDuration, decide }, ctx);
  },

  async merge(config, run, ctx) {
    const demo = needDemo(run);
    const record = run.outputs.record;
    if (!record) throw invalid(run, 'has no record output to merge');
    const clips = run.outputs.tts?.clips ?? [];
    const missing = record.steps.filter((r) => r.status === 'done' && !clips.some((c) => c.stepId === r.step.id));
    if (missing.length) {
      throw invalid(run, `has no narration clip for step(s) ${missing.map((r) => r.step.id).join(', ')}`, 'tts');
    }
    return requireSlot(config, 'merge').run({ demo, recording: record.recording, steps: record.steps, clips }, ctx);
  },

  async storage(config, run, ctx) {
    const demo = needDemo(run);
    const merge = run.outputs.merge;
    if (!merge) throw invalid(run, 'has no merge output to store');
    return requireSlot(config, 'storage').run({ name: demoName(demo), runId: run.state.id, files: merge.files }, ctx);
  },
};

/** The steps that need clips: those the recorder performed when it has run, else the demo's. */
export function narratedSteps(run: RunFolder): Step[] {
  const record = run.outputs.record;
  if (record) return record.steps.filter((r) => r.status === 'done').map((r) => r.step);
  return needDemo(run).steps;
}

/** Folder-friendly name of a demo: its title, else its host. */
export const demoName = (demo: Demo): string => slugify(demo.title ?? new URL(demo.url, 'http://demo').hostname);

function needDemo(run: RunFolder): Demo {
  if (!run.demo) throw invalid(run, 'has no demo.json yet', 'parse');
  return run.demo;
}

function invalid(run: RunFolder, what: string, rerun?: StageName): ShowrunnerError {
  return new ShowrunnerError('SR_RUN_INVALID', `Run ${run.dir} ${what}.`, {
    file: run.dir,
    hint: rerun ? `Re-run it from the "${rerun}" stage (--from ${rerun}).` : undefined,
  });
}
