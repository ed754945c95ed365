import type { ShowrunnerError } from './errors.js';
import type { Demo, Step, StepInput } from './schema/demo.js';
import type { Clip, Frame, Recording, STAGES, StepResult, WordTiming } from './schema/run.js';

/** A pipeline unit. Runs in this order: parse → (review) → tts → record → merge → storage. */
export type StageName = (typeof STAGES)[number];

// ---------------------------------------------------------------------------------------------
// Stage contracts. Outputs are plain JSON: core writes them to `<runDir>/<stage>/output.json`.
// Paths inside outputs are relative to the run folder.
// ---------------------------------------------------------------------------------------------

/** parse: what to plan. `description` is prose for a model, or imperative lines for the script parser. */
export interface ParseInput {
  url: string;
  description: string;
  /** Language the narration is written in (BCP 47); undefined means `en`. Copied to the planned demo. */
  language?: string;
}
export interface ParseOutput {
  demo: Demo;
}

/** Single-step mode of parse, for "describe the step by hand" after a failure. */
export interface PlanStepInput {
  /** The demo being recorded, with the failed step at `index`. */
  demo: Demo;
  index: number;
  /** The user's sentence, e.g. `click "Continue" in the dialog`. */
  instruction: string;
  /** URL of the page at the failure, when the recorder knows it. */
  pageUrl?: string;
  /** ARIA snapshot of the page at the failure, when the recorder took one. */
  snapshot?: string;
}

/** tts: one narration line. The plugin writes a 16-bit PCM WAV to `file` (absolute). */
export interface SpeechInput {
  text: string;
  /** Voice from the demo; undefined means the plugin's default for `language`. */
  voice?: string;
  /** The demo's language (BCP 47); undefined means `en`. A plugin that cannot speak it throws SR_TTS_LANGUAGE. */
  language?: string;
  file: string;
}
/** What a tts plugin reports for the WAV it wrote. `durationMs` is measured from the samples. */
export interface SpeechOutput {
  sampleRate: number;
  durationMs: number;
  words?: WordTiming[];
}
/** `tts/output.json`, written by core after it ran the tts plugin for every narrated step. */
export interface TtsOutput {
  clips: Clip[];
  cache: { hits: number; misses: number };
}

/** What the recorder reports to `decide` when a step failed after its own retries and fallbacks. */
export interface StepFailure {
  step: Step;
  index: number;
  /** 1 for the first failure of this step, 2 after one "retry", ... */
  attempt: number;
  error: ShowrunnerError;
  /** Run-relative path of a screenshot taken at the failure, when the recorder took one. */
  screenshot?: string;
  pageUrl?: string;
  snapshot?: string;
}
/** The answer to a failed step, as the recorder gets it. `replace` steps are performed in place of the failed one. */
export type Decision = 'retry' | 'skip' | 'abort' | { replace: Step[] };
/** How a run answers failures without a person: ask (interactive), skip the step, or abort the run. */
export type FailPolicy = 'ask' | 'skip' | 'abort';
/**
 * What the recorder calls when a step failed after its own retries, serially, while the browser
 * waits on the failed page. Core builds it for each record attempt around the run's {@link Decider}.
 */
export type Decide = (failure: StepFailure) => Promise<Decision>;

/**
 * A person's answer to a failed step: one of the recorder's decisions, or `describe` — a sentence
 * that core turns into replacement steps with the parse plugin's single-step mode, in the process
 * that holds the live page. Replacement steps may leave out their ids.
 */
export type Answer = 'retry' | 'skip' | 'abort' | { replace: StepInput[] } | { describe: string };
/** An answer with who gave it (stored with the decision). */
export interface Answered {
  answer: Answer;
  by?: string;
}
/** What a {@link Decider} is given besides the failure. */
export interface DecideContext {
  /** Aborted when the run is cancelled or the decision deadline passes: stop waiting then. */
  signal: AbortSignal;
  /** Epoch ms after which the run's `onFail` policy answers instead; undefined for no deadline. */
  deadline?: number;
  /** Set when the previous answer could not be used (a description no step could be planned from, an invalid step): ask again, showing why. */
  retry?: { answer: Answer; error: ShowrunnerError };
}
/**
 * Asks a person (the CLI's prompt, a web page through the hosted app) what to do with a failed step.
 * Called by core, once per failure it has no stored decision for, while the run is `paused`. Core
 * races it against cancellation and the deadline; whatever it answers late is ignored.
 */
export type Decider = (failure: StepFailure, ctx: DecideContext) => Answer | Answered | Promise<Answer | Answered>;

/** record: perform the demo in a browser while capturing the screen. */
export interface RecordInput {
  demo: Demo;
  /** Base for a relative `demo.url` and `goto` paths. */
  baseUrl?: string;
  /**
   * Length of a step's narration clip in ms (0 for a silent step). Resolves as soon as that clip
   * exists, so the recorder may start before every clip is synthesized. Call it in step order.
   */
  clipDuration(step: Step): Promise<number>;
  decide: Decide;
  /**
   * Given when a merge encodes while the recording is made (the config's `encodeWhileRecording`).
   * The recorder calls it with each stretch of the recording that became final, in order, never
   * concurrently, and off the step loop (a slow listener never adds dead time to the video); the last
   * call carries `recording`. A recorder that never calls it just gets today's order: merge after record.
   */
  onPart?(part: RecordedPart): void;
}
/**
 * A stretch of the recording that will not change any more: its frames are on disk, and every step that
 * ended by `untilMs` is in `steps`. Handed out by the recorder through `RecordInput.onPart`.
 */
export interface RecordedPart {
  /** New frames, with `t` after the previous part's `untilMs` (from 0 for the first) and up to `untilMs`, in time order. */
  frames: Frame[];
  /** Every step result so far, in order (done, skipped, replaced). */
  steps: StepResult[];
  /** Recording time (ms) up to which frames and steps are final. */
  untilMs: number;
  /** Frame size and viewport, as the recording will state them (known before the first frame). */
  geometry: Pick<Recording, 'width' | 'height' | 'viewport' | 'deviceScaleFactor'>;
  /** On the last part only: the recording as the record stage's output will hold it. */
  recording?: Recording;
}
export interface RecordOutput {
  recording: Recording;
  steps: StepResult[];
}

/** A finished file, as merge produces and storage publishes it. `path` is run-relative. */
export interface OutputFile {
  role: 'video' | 'captions' | 'subtitles' | 'poster' | 'gif' | 'webm' | 'other';
  path: string;
}
/** merge: one encode of the recording and clips into the final files. */
export interface MergeInput {
  demo: Demo;
  recording: Recording;
  /** Results of every step; only `done` steps have times and clips. */
  steps: StepResult[];
  clips: Clip[];
  /**
   * Run-relative folder that this merge plugin's `live` wrote while this very recording was made, when it
   * finished. A hint only: `run` checks what it finds against the rest of the input and must produce the
   * same files with or without it.
   */
  live?: string;
}
/**
 * What a merge plugin's `live` gets: the recording as it settles. Built by core beside the record stage.
 */
export interface LiveMergeInput {
  demo: Demo;
  /** The recorded parts, in order; ends after the part that carries `recording`; throws if the recording failed. */
  parts: AsyncIterable<RecordedPart>;
  /** A step's narration clip as soon as the voice made it; undefined when the voice will not make one here (a replaced step). */
  clip(stepId: string): Promise<Clip> | undefined;
}
export interface MergeOutput {
  /** The mp4 comes first. */
  files: OutputFile[];
  durationMs: number;
  width: number;
  height: number;
  fps: number;
  sizeBytes: number;
  /** Where each spoken line starts and ends in the final video (silent steps have no entry). */
  narration: { stepId: string; startMs: number; endMs: number }[];
  /** Chapters written into the video: one per performed step (`stepId`), plus title cards if any. */
  chapters?: { title: string; startMs: number; endMs: number; stepId?: string }[];
}

/**
 * storage: publish the finished files. `name` is a readable slug of the demo title (the same for every
 * run of the demo); `runId` is unique. A store shared by many users keys files by `runId`.
 */
export interface StorageInput {
  name: string;
  runId: string;
  files: OutputFile[];
}
export interface StorageOutput {
  /** Link to the video. */
  url: string;
  files: (OutputFile & { url: string })[];
}

/** Input and output of each stage plugin's `run`. */
export interface StageIO {
  parse: { input: ParseInput; output: ParseOutput };
  tts: { input: SpeechInput; output: SpeechOutput };
  record: { input: RecordInput; output: RecordOutput };
  merge: { input: MergeInput; output: MergeOutput };
  storage: { input: StorageInput; output: StorageOutput };
}
/** What `<stage>/output.json` holds (tts is written by core, one entry per clip). */
export interface StageResults {
  parse: ParseOutput;
  tts: TtsOutput;
  record: RecordOutput;
  merge: MergeOutput;
  storage: StorageOutput;
}
