/**
 * @showrunner/core: the engine every Showrunner face shares (CLI, plugins, hosted app).
 * Types and schemas are the contract between stages; the runner turns a run folder into a video.
 */
export { encodeWav, readWavInfo, type WavInfo, writeSilence } from './audio/wav.js';
export { type LocalStoreOptions, localStore } from './builtins/local-store.js';
export { parseLine, parseScript, type ScriptOptions } from './builtins/script.js';
export { scriptParser } from './builtins/script-parser.js';
export { type ResolvedConfig, requireSlot, resolveConfig } from './config.js';
export { defineConfig, defineDemo, definePlugin } from './define.js';
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorData,
  type ErrorWhere,
  isShowrunnerError,
  ShowrunnerError,
  withContext,
} from './errors.js';
export { DEMO_SCHEMA_URL, demoJsonSchema } from './json-schema.js';
export { closest, parseOptions } from './options.js';
export type * from './plugin.js';
export { checkLimit, LIMITS, type LimitName, overLimit } from './policy/limits.js';
export {
  type Address,
  createNetworkGuard,
  type LookupFn,
  type NetworkGuard,
  type NetworkGuardOptions,
  type Refusal,
  refusal,
} from './policy/network.js';
export { checkRunId, SAFE_ID, SAFE_ID_RULE, safeJoin, slugify } from './policy/paths.js';
export {
  createPolicy,
  type PolicyOptions,
  type PopupPolicy,
  type RunPolicy,
  type Trust,
  UNTRUSTED_DECISION_TIMEOUT_MS,
} from './policy/policy.js';
export { type SecretResolver, type SecretsOption, secretLookup } from './policy/secrets.js';
export { checkWebUrl, isWebUrl, type NavigationPolicy, navigationAllowed, redactUrl, WEB_SCHEMES } from './policy/urls.js';
export { MAX_REPLACEMENT_STEPS, policyAnswer } from './run/decide.js';
export { fileStore } from './run/file-store.js';
export { dirFiles, expand, type RunFiles, stageInputs } from './run/files.js';
export { createRun, type RunFolder, type RunRef, type RunSource, readJson, readRun, runRef, writeJson } from './run/folder.js';
export { demoName, type StageOptions } from './run/inputs.js';
export type { LogEntry, RunOptions } from './run/options.js';
export { abandonStage, approvePlan, cancelRun, inspectRun, type NextStep, nextStep } from './run/orchestrate.js';
export { type PipelineOptions, runPipeline, runStages } from './run/pipeline.js';
export { planStep } from './run/plan-step.js';
export { runStage } from './run/stage.js';
export { DOWNSTREAM, isApproved } from './run/state.js';
export { type Change, type RunDoc, type RunPatch, type RunStore, updateRun } from './run/store.js';
export * from './schema/demo.js';
export * from './schema/run.js';
export { type SharedResource, sharedResource, stoppedWaiting, untilAborted } from './shared-resource.js';
export { type VoicesByLanguage, voicesByLanguage } from './tts/by-language.js';
export { type CachedClip, ClipCache, type ClipKey } from './tts/cache.js';
export { Narrator, SILENT_CLIP_MS, spoken } from './tts/narrator.js';
export type * from './types.js';
export { formatIssues, parseDemo } from './validate.js';
