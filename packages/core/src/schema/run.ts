import * as z from 'zod';
import { DemoSchema, LanguageSchema, StepSchema } from './demo.js';

/**
 * Every path stored in a run folder's JSON is relative to the run folder, so the folder can move; it
 * never climbs out of it (no `..` segment, not absolute, no NUL), so a folder from elsewhere (an upload,
 * another machine) cannot point core at other files; no control characters (they break ffmpeg's lists).
 */
const RunPath = z
  .string()
  .min(1)
  .refine((p) => !/^([/\\]|[a-z]:)/i.test(p) && !p.split(/[/\\]/).includes('..') && !/[\u0000-\u001f\u007f]/.test(p), {
    message: 'a run path is relative to the run folder and stays inside it',
  });
const Ms = z.number().nonnegative();

/** A word inside a clip, when the voice reports timings (captions can use them). */
export const WordTimingSchema = z.strictObject({ text: z.string(), startMs: Ms, endMs: Ms });
export type WordTiming = z.infer<typeof WordTimingSchema>;

/** One narration clip: 16-bit PCM WAV written by the tts stage, one per narrated step. */
export const ClipSchema = z.strictObject({
  stepId: z.string(),
  path: RunPath,
  text: z.string(),
  sampleRate: z.number().int().positive(),
  /** Exact length measured from the samples. */
  durationMs: Ms,
  words: z.array(WordTimingSchema).optional(),
  /** True when the clip came from the cache instead of being synthesized in this run. */
  cached: z.boolean(),
});
export type Clip = z.infer<typeof ClipSchema>;

/** One captured screen frame; `t` is ms since the recording's origin, frames are sorted by `t`. */
export const FrameSchema = z.strictObject({ path: RunPath, t: Ms });
export type Frame = z.infer<typeof FrameSchema>;

/**
 * The captured screen: variable-rate JPEG frames on one clock with the step timings. Merge encodes
 * them once; there is no intermediate video.
 */
export const RecordingSchema = z.strictObject({
  /** Frame size in pixels (viewport × deviceScaleFactor). */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  viewport: z.strictObject({ width: z.number().int(), height: z.number().int() }),
  deviceScaleFactor: z.number().positive(),
  /** Wall-clock time (epoch ms) of t = 0. */
  startedAt: z.number(),
  /** Length of the recording: the last step's end. */
  durationMs: Ms,
  frames: z.array(FrameSchema),
});
export type Recording = z.infer<typeof RecordingSchema>;

/** A box in CSS pixels of the viewport. */
export const BoxSchema = z.strictObject({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });
export type Box = z.infer<typeof BoxSchema>;

export const StepStatusSchema = z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'replaced']);
export type StepStatus = z.infer<typeof StepStatusSchema>;

/**
 * What happened to one step during recording. Skipped and replaced steps have no times; the
 * steps a replacement produced follow it with their own results. Times are on the recording clock.
 */
export const StepResultSchema = z.strictObject({
  /** The step as performed (with `resolved` written back). */
  step: StepSchema,
  status: z.enum(['done', 'skipped', 'replaced']),
  startMs: Ms.optional(),
  /** Where this step's narration clip starts: start + lead. */
  narrationMs: Ms.optional(),
  endMs: Ms.optional(),
  /** The target's box at the moment of the action, for zoom. */
  box: BoxSchema.optional(),
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
});
export type StepResult = z.infer<typeof StepResultSchema>;

export const STAGES = ['parse', 'tts', 'record', 'merge', 'storage'] as const;
export const StageNameSchema = z.enum(STAGES);

/** Format 2 added the state machine, leases, decisions and the revision; format 1 folders still read. */
export const RUN_FORMAT_VERSION = 2;

const ErrorDataSchema = z.looseObject({ code: z.string(), message: z.string() });
const Iso = z.string();

/**
 * Where a run is in its life. `created` → (`parse` running) → `awaiting_review` → `approved` →
 * `running` ⇄ `paused` (a failed step waits for a decision) → `done`; `failed` and `cancelled` from any
 * state. A run made from a demo file starts `approved`. See run/state.ts for the transitions.
 */
export const RunStatusSchema = z.enum([
  'created',
  'awaiting_review',
  'approved',
  'running',
  'paused',
  'done',
  'failed',
  'cancelled',
]);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** One stage's latest attempt. `lease` fences it: only the holder of the newest lease may commit. */
export const StageStateSchema = z.strictObject({
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  startedAt: Iso,
  durationMs: Ms.optional(),
  /** 1 for the first attempt, +1 for each later one; names the attempt folder `<stage>/<attempt>/`. */
  attempt: z.number().int().positive().optional(),
  lease: z.string().optional(),
  error: ErrorDataSchema.optional(),
});
export type StageState = z.infer<typeof StageStateSchema>;

/** The failure a paused run waits on: what the person sees (message, screenshot, page) and until when. */
export const PendingFailureSchema = z.strictObject({
  stepId: z.string(),
  index: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  code: z.string(),
  message: z.string(),
  /** Run-relative path of the failure screenshot. */
  screenshot: RunPath.optional(),
  /** The page's URL at the failure, query values redacted. */
  pageUrl: z.string().optional(),
  since: Iso,
  /** After this instant the run's onFail policy answers. */
  deadline: Iso.optional(),
  /** Why the last "describe" answer could not be turned into steps (ask again). */
  describeError: z.string().optional(),
});
export type PendingFailure = z.infer<typeof PendingFailureSchema>;

/** An answer to a failed step, kept so a resumed run does not ask again and keeps replaced steps. */
export const DecisionRecordSchema = z.strictObject({
  stepId: z.string(),
  index: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  answer: z.enum(['retry', 'skip', 'abort', 'replace']),
  /** The replacement steps (for `replace`, also when they came from a description). */
  steps: z.array(StepSchema).optional(),
  /** The person's description the steps were planned from. */
  describe: z.string().optional(),
  /** Who answered: a user id, `terminal`, or `policy`. */
  by: z.string(),
  /** `person` answered; `policy` (no one to ask); `deadline` (no answer in time, policy answered). */
  source: z.enum(['person', 'policy', 'deadline']),
  at: Iso,
  /** The failure that was answered. */
  code: z.string(),
  message: z.string(),
});
export type DecisionRecord = z.infer<typeof DecisionRecordSchema>;

/**
 * `run.json`: the run's state machine, per-stage attempts, per-step progress and decisions. Written
 * only by core, through the RunStore, with compare-and-set on `rev`.
 */
export const RunStateSchema = z.strictObject({
  version: z.number().int(),
  id: z.string(),
  createdAt: z.string(),
  /** Revision: +1 on every write; a writer holding an older one retries (compare-and-set). */
  rev: z.number().int().nonnegative().default(0),
  status: RunStatusSchema,
  /** What to plan, for runs that start from a description instead of a demo file. */
  request: z.strictObject({ url: z.string(), description: z.string(), language: LanguageSchema.optional() }).optional(),
  /** Who approved the plan and when; `auto` when approved without review (`autoApprove`, `--yes`). */
  approval: z.strictObject({ by: z.string(), at: Iso, auto: z.boolean() }).optional(),
  stages: z.partialRecord(StageNameSchema, StageStateSchema),
  /** Attempts started per stage, never reset (a cleared stage's next attempt still gets a fresh folder). */
  attempts: z.partialRecord(StageNameSchema, z.number().int().nonnegative()).default({}),
  steps: z.record(z.string(), StepStatusSchema),
  /** Set while `paused`. */
  pending: PendingFailureSchema.optional(),
  decisions: z.array(DecisionRecordSchema).default([]),
  error: ErrorDataSchema.optional(),
});
export type RunState = z.infer<typeof RunStateSchema>;

const OutputFileSchema = z.looseObject({ role: z.string(), path: RunPath });

/**
 * What core checks in each `<stage>/output.json` before handing it to the next stage: the parts it and
 * the next stages rely on, with every path kept inside the run folder. Plugins may add fields.
 */
export const StageOutputSchemas = {
  parse: z.looseObject({ demo: DemoSchema }),
  tts: z.looseObject({ clips: z.array(ClipSchema), cache: z.looseObject({ hits: z.number(), misses: z.number() }) }),
  record: z.looseObject({ recording: RecordingSchema, steps: z.array(StepResultSchema) }),
  merge: z.looseObject({ files: z.array(OutputFileSchema), durationMs: Ms }),
  storage: z.looseObject({ url: z.string(), files: z.array(OutputFileSchema.extend({ url: z.string() })) }),
} as const;
