import * as z from 'zod';
import { StepSchema } from './demo.js';

/** Every path stored in a run folder's JSON is relative to the run folder, so the folder can move. */
const RunPath = z.string().min(1);
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

export const RUN_FORMAT_VERSION = 1;

const ErrorDataSchema = z.looseObject({ code: z.string(), message: z.string() });

/** `run.json`: the run's status, per-stage and per-step progress. Written only by core. */
export const RunStateSchema = z.strictObject({
  version: z.number().int(),
  id: z.string(),
  createdAt: z.string(),
  status: z.enum(['created', 'running', 'paused', 'failed', 'done']),
  /** What to plan, for runs that start from a description instead of a demo file. */
  request: z.strictObject({ url: z.string(), description: z.string() }).optional(),
  stages: z.partialRecord(
    StageNameSchema,
    z.strictObject({
      status: z.enum(['running', 'done', 'failed']),
      startedAt: z.string(),
      durationMs: Ms.optional(),
      error: ErrorDataSchema.optional(),
    }),
  ),
  steps: z.record(z.string(), StepStatusSchema),
  error: ErrorDataSchema.optional(),
});
export type RunState = z.infer<typeof RunStateSchema>;
