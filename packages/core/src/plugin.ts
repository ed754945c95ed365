import type { ShowrunnerError } from './errors.js';
import type { Step } from './schema/demo.js';
import type { StepResult } from './schema/run.js';
import type { FailPolicy, PlanStepInput, StageIO, StageName } from './types.js';

// ---------------------------------------------------------------------------------------------
// Hooks: observers. Core calls each one serially, in config order (slots parse → storage, then
// `plugins`), and awaits it. A hook that throws fails the run with SR_HOOK_FAILED naming it.
// ---------------------------------------------------------------------------------------------

export interface StatusEvent {
  runId: string;
  /** Absent for the status of the whole run. */
  stage?: StageName;
  /** `reused`: a stage whose output from an earlier attempt is kept. `paused`: waiting on `decide`. */
  status: 'running' | 'paused' | 'done' | 'failed' | 'reused';
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

export interface Hooks {
  /** Core: the run or a stage changed status. */
  onStatusChange(event: StatusEvent): void | Promise<void>;
  /** Record stage: a step is about to be performed. */
  onStepStart(event: StepEvent): void | Promise<void>;
  /** Record stage: a step finished (done, skipped or replaced). */
  onStepEnd(event: StepEndEvent): void | Promise<void>;
  /** Core, from the recorder: a step failed after its retries, just before `decide` is asked. */
  onStepFailed(event: StepFailedEvent): void | Promise<void>;
  /** Any stage: a file was written in the run folder. */
  onArtifact(event: ArtifactEvent): void | Promise<void>;
  /** Any stage: progress within the stage (clips synthesized, steps performed, encode percent). */
  onProgress(event: ProgressEvent): void | Promise<void>;
}
export type HookName = keyof Hooks;
export type HookEvent<K extends HookName> = Parameters<Hooks[K]>[0];
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
  /** Aborted on Ctrl-C (CLI) or job cancellation (hosted). */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Fire a hook; core adds `runId` and `stage`. Awaited, serial. */
  emit<K extends EmittedHookName>(name: K, event: Omit<HookEvent<K>, 'runId' | 'stage'>): Promise<void>;
  /** Absolute path of a run-relative path (inputs from earlier stages). */
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
  readonly hooks?: Partial<Hooks>;
}

/** A stage provider, returned by a plugin package's default-export factory. */
export interface StagePlugin<S extends StageName> extends PluginBase {
  readonly stage: S;
  /** Called by core for each attempt of the stage (tts: once per clip not in the cache, serially). */
  run(input: StageIO[S]['input'], ctx: StageContext): Promise<StageIO[S]['output']>;
  /** Called by core once when the run ends, to release browsers, models or sockets. */
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
export type MergePlugin = StagePlugin<'merge'>;
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
}
export interface ConfigEnv {
  command: string;
}
export type UserConfigExport = UserConfig | ((env: ConfigEnv) => UserConfig | Promise<UserConfig>);
