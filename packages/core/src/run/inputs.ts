import { rm } from 'node:fs/promises';
import { requireSlot } from '../config.js';
import { ShowrunnerError, withContext } from '../errors.js';
import type { StageContext } from '../plugin.js';
import { slugify } from '../policy/paths.js';
import type { Demo, Step } from '../schema/demo.js';
import type { Clip } from '../schema/run.js';
import { Narrator, spoken } from '../tts/narrator.js';
import type { Decider, RecordedPart, StageName, StageResults } from '../types.js';
import { parseDemo } from '../validate.js';
import { createContext } from './context.js';
import { recordDecide } from './decide.js';
import { LIVE_DIR } from './files.js';
import type { RunFolder } from './folder.js';
import type { RunOptions } from './options.js';
import { replayPlan } from './replay.js';
import type { RunScope } from './scope.js';

/** Options for a single stage: the run options plus the record stage's failure answerer. */
export interface StageOptions extends RunOptions {
  /** Asks a person about failed steps (CLI prompt, web page). Without it, the config's `onFail` policy answers. */
  decide?: Decider;
  /** Clip lengths already known or on their way (set by the pipeline when tts runs beside record). */
  clipDuration?: (step: Step) => Promise<number> | undefined;
  /** Called as each clip is written (the pipeline feeds the recorder from it). */
  onClip?: (clip: Clip) => void;
  /** Given to the recorder as `onPart` when a merge encodes while recording (set by recordBeside). */
  onPart?: (part: RecordedPart) => void;
  /** The merge plugin's early work for this recording (run-relative), handed to the merge stage as `input.live`. */
  live?: string;
}

/** What a runner gets: the run as read at the attempt's start, its context, options and lease. */
interface Attempt {
  scope: RunScope;
  run: RunFolder;
  ctx: StageContext;
  options: StageOptions;
  lease: string;
}

/** For each stage: rebuild its input from the run, call the plugin, return what output.json holds. */
export const runners: { [S in StageName]: (a: Attempt) => Promise<StageResults[S]> } = {
  async parse({ scope, run, ctx }) {
    const { request } = run.state;
    if (!request) throw invalid(run, 'has no request to plan (it was made from a demo file)');
    const plugin = requireSlot(scope.config, 'parse');
    // A start path is planned against the base URL, so the planner can open the real page.
    const base = scope.config.baseUrl;
    const url = base && !/^[a-z][\w+.-]*:/i.test(request.url) ? new URL(request.url, base).href : request.url;
    if (/^[a-z][\w+.-]*:/i.test(url)) ctx.policy.checkUrl(url, 'url');
    const language = request.language ?? scope.config.language;
    const out = await plugin.run({ ...request, url, language }, ctx);
    // The plan is in the language asked for, whether or not the plugin wrote it on the demo.
    const demo = language ? { ...out.demo, language } : out.demo;
    return { demo: parseDemo(demo, `plan from ${plugin.name}`) };
  },

  async tts({ scope, run, ctx, options }) {
    const demo = needDemo(run, scope);
    const narrator = new Narrator(requireSlot(scope.config, 'tts'), ctx, demo.voice, demo.language);
    const steps = narratedSteps(run);
    const clips: Clip[] = [];
    for (const [i, step] of steps.entries()) {
      ctx.signal.throwIfAborted();
      const clip = await narrator.clip(step, ctx.dir).catch((err: unknown) => {
        // A clip may be shared by steps with the same line; the error names the first step that needed it.
        throw withContext(err, { step: { index: demo.steps.findIndex((s) => s.id === step.id), id: step.id } });
      });
      clips.push(clip);
      options.onClip?.(clip);
      await ctx.artifact(ctx.resolve(clip.path), 'clip');
      await ctx.emit('onProgress', { done: i + 1, total: steps.length, message: `${step.id}${clip.cached ? ' (cached)' : ''}` });
    }
    const hits = clips.filter((c) => c.cached).length;
    return { clips, cache: { hits, misses: clips.filter((c) => c.text && !c.cached).length } };
  },

  async record({ scope, run, ctx, options, lease }) {
    const demo = needDemo(run, scope);
    const replay = replayPlan(demo.steps, run.state.decisions);
    if (replay.changed) ctx.log.info('earlier decisions applied: skipped and replaced steps are kept as the person chose');
    if (!replay.steps.length) throw invalid(run, 'has no step left to record (every step was skipped)');
    const known = new Map(run.outputs.tts?.clips.map((c) => [c.stepId, c]));
    let narrator: Narrator | undefined;
    const clipDuration = async (step: Step) => {
      const early = options.clipDuration?.(step);
      if (early) return early;
      const clip = known.get(step.id);
      if (clip && clip.text === spoken(step)) return clip.durationMs;
      // A step added by "replace" or edited since tts ran: synthesize into the cache only.
      const tts = requireSlot(scope.config, 'tts');
      narrator ??= new Narrator(tts, createContext(scope, 'tts', tts.name, ctx.dir), demo.voice, demo.language);
      return narrator.duration(step);
    };
    const decide = recordDecide(scope, lease, options.decide);
    // The parts carry the steps as the run will store them, so the live merge plans what the merge will.
    const onPart =
      options.onPart &&
      ((part: RecordedPart) => options.onPart?.(replay.changed ? { ...part, steps: replay.assemble(part.steps) } : part));
    const input = { demo: { ...demo, steps: replay.steps }, baseUrl: scope.config.baseUrl, clipDuration, decide, onPart };
    const out = await requireSlot(scope.config, 'record').run(input, ctx);
    return replay.changed ? { ...out, steps: replay.assemble(out.steps) } : out;
  },

  async merge({ scope, run, ctx, options }) {
    const demo = needDemo(run, scope);
    const record = run.outputs.record;
    if (!record) throw invalid(run, 'has no record output to merge');
    const clips = run.outputs.tts?.clips ?? [];
    const missing = record.steps.filter((r) => r.status === 'done' && !clips.some((c) => c.stepId === r.step.id));
    if (missing.length) {
      throw invalid(run, `has no narration clip for step(s) ${missing.map((r) => r.step.id).join(', ')}`, 'tts');
    }
    const input = { demo, recording: record.recording, steps: record.steps, clips, live: options.live };
    const out = await requireSlot(scope.config, 'merge').run(input, ctx);
    // Early work is used up once the merge is written (or stale, from a recording that crashed).
    await rm(ctx.resolve(LIVE_DIR), { recursive: true, force: true });
    return out;
  },

  async storage({ scope, run, ctx }) {
    const demo = needDemo(run, scope);
    const merge = run.outputs.merge;
    if (!merge) throw invalid(run, 'has no merge output to store');
    return requireSlot(scope.config, 'storage').run({ name: demoName(demo), runId: run.state.id, files: merge.files }, ctx);
  },
};

/** The steps that need clips: those the recorder performed when it has run, else the demo's. */
export function narratedSteps(run: RunFolder): Step[] {
  const record = run.outputs.record;
  if (record) return record.steps.filter((r) => r.status === 'done').map((r) => r.step);
  return needDemo(run).steps;
}

/** Folder-friendly, readable name of a demo: its title, else its host. */
export const demoName = (demo: Demo): string => {
  try {
    return slugify(demo.title ?? new URL(demo.url, 'http://demo').hostname);
  } catch {
    return slugify(demo.title ?? 'demo');
  }
};

/**
 * The approved demo, with a language when it names none (a reviewer's edit may drop it): the one its
 * request asked for, else the config's; so every stage (voices, captions) reads one language from
 * `demo.language` (undefined still means `en`).
 */
export function needDemo(run: RunFolder, scope?: RunScope): Demo {
  if (!run.demo) throw invalid(run, 'has no approved demo yet', 'parse');
  const language = run.demo.language ?? run.state.request?.language ?? scope?.config.language;
  return language ? { ...run.demo, language } : run.demo;
}

function invalid(run: RunFolder, what: string, rerun?: StageName): ShowrunnerError {
  return new ShowrunnerError('SR_RUN_INVALID', `Run ${run.dir} ${what}.`, {
    file: run.dir,
    hint: rerun ? `Re-run it from the "${rerun}" stage (--from ${rerun}).` : undefined,
  });
}
