import type { ShowrunnerError } from './errors.js';
import type { PopupPolicy, RunPolicy, Trust } from './policy/policy.js';
import type { SecretsOption } from './policy/secrets.js';
import type { NavigationPolicy } from './policy/urls.js';
import type { RunFiles } from './run/files.js';
import type { Step } from './schema/demo.js';
import type { StepResult } from './schema/run.js';
import type { FailPolicy, LiveMergeInput, PlanStepInput, StageIO, StageName } from './types.js';

// ---------------------------------------------------------------------------------------------
// Hooks: observers. Core queues each call and runs them one at a time, in order (config slots
// parse → storage, then `plugins`, then the run's own hook plugins), off the recording clock: a
// slow hook never adds dead time to the video. A throwing hook is logged as an SR_HOOK_FAILED
// warning, unless the plugin marks it `critical`, which fails the run at the end of the stage.
// ---------------------------------------------------------------------------------------------

export interface StatusEvent {
  runId: string;
  /** Absent for the status of the whole run. */
  stage?: StageName;
  /**
   * For a stage: `running`, `done`, `failed`, `cancelled`, or `reused` (its output from an earlier
   * attempt is kept). For the run: `running`, `awaiting_review` (the plan waits for a person),
   * `paused` (a failed step waits for a decision; no stage or step given), `done`, `failed`, `cancelled`.
   */
  status: 'running' | 'awaiting_review' | 'paused' | 'done' | 'failed' | 'cancelled' | 'reused';
  error?: ShowrunnerError;
}
export interface StepEvent {
  runId: string;
  stage: 'record';
  step: Step;
  index: number;
}
export interface StepEndEvent extends StepEvent {
  result: StepResult;
}
export interface StepFailedEvent extends StepEvent {
  error: ShowrunnerError;
  attempt: number;
  /** Run-relative path of the failure screenshot, when the recorder took one. */
  screenshot?: string;
  /** The page's URL at the failure, query values redacted. */
  pageUrl?: string;
}
export interface ArtifactEvent {
  runId: string;
  stage: StageName;
  /** Run-relative path. */
  path: string;
  kind: string;
}
export interface ProgressEvent {
  runId: string;
  stage: StageName;
  done: number;
  total: number;
  message?: string;
}

/**
 * What every hook call receives next to its event: who is calling and the services it may use.
 * Built by core for each call.
 */
export interface HookContext {
  readonly runId: string;
  /** The stage the event comes from, when it comes from one. */
  readonly stage?: StageName;
  /** The step the event is about (record stage), by index in the demo and id. */
  readonly step?: { index: number; id: string };
  /** Log lines go where the run's log goes (the CLI, the worker), prefixed with the plugin name. */
  readonly log: Logger;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  /** Absolute path of a run-relative path from an event (artifacts), checked to stay in the run folder. */
  resolve(runPath: string): string;
}

/**
 * The lifecycle hooks. Each is an observer: it may write to a database or post a message, but what
 * it returns is ignored and the run never waits for it on the recording clock (see the top of this
 * file). `total` in progress may grow (replacement steps); a `paused` run has no step.
 */
export interface Hooks {
  /** Core: the run or a stage changed status. */
  onStatusChange(event: StatusEvent, ctx: HookContext): void | Promise<void>;
  /** Record stage: a step is about to be performed. Replacement steps reuse the failed step's index. */
  onStepStart(event: StepEvent, ctx: HookContext): void | Promise<void>;
  /** Record stage: a step finished (done, skipped or replaced). */
  onStepEnd(event: StepEndEvent, ctx: HookContext): void | Promise<void>;
  /** Core, from the recorder: a step failed after its retries, just before a decision is asked for. */
  onStepFailed(event: StepFailedEvent, ctx: HookContext): void | Promise<void>;
  /** Any stage: a file was written in the run folder. */
  onArtifact(event: ArtifactEvent, ctx: HookContext): void | Promise<void>;
  /** Any stage: progress within the stage (clips synthesized, steps performed, encode percent). */
  onProgress(event: ProgressEvent, ctx: HookContext): void | Promise<void>;
}
export type HookName = keyof Hooks;
export type HookEvent<K extends HookName> = Parameters<Hooks[K]>[0];
/** A hook as a plugin writes it: the function, or `{ handler, critical }` to fail the run when it throws. */
export type HookSpec<K extends HookName> = Hooks[K] | { handler: Hooks[K]; critical?: boolean };
/** Hooks a stage plugin may fire through `ctx.emit` (core fires the rest). */
export type EmittedHookName = 'onStepStart' | 'onStepEnd' | 'onArtifact' | 'onProgress';

/** Messages from a plugin; core prefixes them with the plugin name and routes them to the CLI or worker. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/**
 * Created by core for each stage attempt and passed to the plugin's `run`. A stage writes only
 * inside `dir`, which core empties before every attempt, so retries are idempotent.
 */
export interface StageContext {
  readonly runId: string;
  readonly stage: StageName;
  /** Absolute path of the run folder. */
  readonly runDir: string;
  /** Absolute path of this stage's own folder, `<runDir>/<stage>`. */
  readonly dir: string;
  /** Folder of the config file: where relative paths in plugin options start. */
  readonly root: string;
  /** Shared cache folder (survives runs). */
  readonly cacheDir: string;
  /** Aborted on Ctrl-C (CLI) or job cancellation (hosted). Every wait of a stage should end on it. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The run's guards: URLs, network, secrets, navigation, popups (see RunPolicy). */
  readonly policy: RunPolicy;
  /**
   * Fire a hook; core adds `runId` and `stage`. Queued and run off the stage's clock: the promise
   * resolves as soon as the event is queued, never after the hooks ran.
   */
  emit<K extends EmittedHookName>(name: K, event: Omit<HookEvent<K>, 'runId' | 'stage'>): Promise<void>;
  /** Absolute path of a run-relative path (inputs from earlier stages); SR_PATH_OUTSIDE if it leaves the run folder. */
  resolve(runPath: string): string;
  /** Register a file written under `dir`: fires `onArtifact` and returns its run-relative path. */
  artifact(file: string, kind: string): Promise<string>;
}

// ---------------------------------------------------------------------------------------------
// Plugins
// ---------------------------------------------------------------------------------------------

interface PluginBase {
  /** npm package name (or `local:<name>`). Appears in every error and log line. */
  readonly name: string;
  readonly hooks?: { [K in HookName]?: HookSpec<K> };
}

/** A stage provider, returned by a plugin package's default-export factory. */
export interface StagePlugin<S extends StageName> extends PluginBase {
  readonly stage: S;
  /**
   * Called by core for each attempt of the stage (tts: once per clip not in the cache, serially per
   * run). Several runs may call it at once on one instance (a worker, a test): keep per-run state
   * keyed by `ctx.runId`.
   */
  run(input: StageIO[S]['input'], ctx: StageContext): Promise<StageIO[S]['output']>;
  /**
   * Called by core once when a run ends in this process (done, failed, cancelled, or stopped to wait
   * for review): release what that run holds (its browser, its share of a pooled model). Other runs
   * keep theirs: a pooled resource is freed when its last run releases it.
   */
  release?(runId: string): Promise<void>;
  /** Called by the host when it shuts down (a worker on SIGTERM): release everything, for every run. */
  close?(): Promise<void>;
}
export interface ParsePlugin extends StagePlugin<'parse'> {
  /** Single-step mode: turn the user's sentence into replacement steps. Called by the CLI or app. */
  planStep?(input: PlanStepInput, ctx: StageContext): Promise<Step[]>;
}
export interface TtsPlugin extends StagePlugin<'tts'> {
  /** Options that change the audio (voice, speed, model): part of every clip's cache key. */
  readonly fingerprint: string;
}
export type RecordPlugin = StagePlugin<'record'>;
export interface MergePlugin extends StagePlugin<'merge'> {
  /**
   * Optional: start merging while the recording is made. Called by core beside the record stage, in the
   * same process, once per record attempt when the config's `encodeWhileRecording` is on, with a folder of
   * its own (`ctx.dir` = `<runDir>/merge/live`, emptied first). Resolves once the last part is handled and
   * the early work is on disk; the merge stage's `run` then gets that folder as `input.live`. A rejection
   * is logged and costs only time: `run` does the whole merge.
   */
  live?(input: LiveMergeInput, ctx: StageContext): Promise<void>;
}
export type StoragePlugin = StagePlugin<'storage'>;
/** A plugin that only observes, listed in `plugins: []`. */
export interface HookPlugin extends PluginBase {
  readonly stage?: undefined;
}
export interface SlotPlugins {
  parse: ParsePlugin;
  tts: TtsPlugin;
  record: RecordPlugin;
  merge: MergePlugin;
  storage: StoragePlugin;
}
export type Plugin = SlotPlugins[StageName] | HookPlugin;

/** `showrunner.config.ts`: one typed slot per stage, hook-only plugins in `plugins`. */
export interface UserConfig extends Partial<SlotPlugins> {
  plugins?: HookPlugin[];
  /** Where run folders go, relative to the config file. Default `.showrunner/runs`. */
  runsDir?: string;
  /** Where cached clips go, relative to the config file. Default `.showrunner/cache`. */
  cacheDir?: string;
  /** Base for relative demo URLs. */
  baseUrl?: string;
  /** How failed steps are answered when no one is asked. Default `ask` (the CLI falls back to `abort` without a TTY). */
  onFail?: FailPolicy;
  /**
   * Narration language (BCP 47: `zh`, `es`, `pt-BR`) for requests and demos that name none; default `en`.
   * A demo's own `language` and the CLI's `--language` win over it.
   */
  language?: string;
  /**
   * Encode while recording (default true): the merge plugin's `live` runs beside the record stage, so the
   * video is ready seconds after the last step; false merges only after the recording. Queue workers
   * honour it: the record worker then also runs the merge.
   */
  encodeWhileRecording?: boolean;
  /**
   * `untrusted` (the hosted app) switches every guard on: network guard, http(s) only, same-site
   * navigation, secrets only from `secrets`, code demo files refused, a decision deadline. Default `trusted`.
   */
  trust?: Trust;
  /** Addresses an untrusted run may reach although they are private, e.g. `["127.0.0.1:3000"]`. */
  network?: { allow?: string[] };
  /**
   * Which navigations a recorded page may make: anywhere, the start page's site, or these origins (the
   * start page's own origin is always allowed). Default `allow` (trusted) or `same-site` (untrusted).
   */
  navigation?: Exclude<NavigationPolicy, { origins: string[] }> | string[];
  /** What the recorder does with popups. Default `close`. */
  popups?: PopupPolicy;
  /** Secrets a demo may type: environment variable names, or a resolver. Default: the whole environment when trusted, none when untrusted. */
  secrets?: SecretsOption;
  /** How long a failed step waits for a decision before `onFail` answers, in ms. Default: no limit (trusted), 30 min (untrusted). */
  decisionTimeoutMs?: number;
  /**
   * How queue workers on several machines share run files (`supabaseFiles()`, `dirFiles('/mnt/runs')`).
   * Default: workers share the runs folder. In-process runs (the CLI without `--queue`) don't use it.
   */
  files?: RunFiles;
}
export interface ConfigEnv {
  command: string;
}
export type UserConfigExport = UserConfig | ((env: ConfigEnv) => UserConfig | Promise<UserConfig>);
