import type { HookName } from './plugin.js';
import type { StageName } from './types.js';

/**
 * Every stable error code Showrunner raises, with what it means. Codes never change meaning once
 * released; messages may be reworded. The CLI maps `usage` codes to exit code 2 and the rest to 1.
 */
export const ERROR_CODES = {
  SR_USAGE: { usage: true, about: 'The command line was used wrongly.' },
  SR_CONFIG_NOT_FOUND: { usage: true, about: 'No showrunner.config.* file was found.' },
  SR_CONFIG_INVALID: { usage: true, about: 'The config file failed to load or holds a wrong value or plugin.' },
  SR_STAGE_MISSING: { usage: true, about: 'A stage the run needs has no plugin in its slot.' },
  SR_DEMO_INVALID: { usage: true, about: 'A demo breaks the schema (names the step index and field).' },
  SR_FILE_UNREADABLE: { usage: true, about: 'A file could not be read or parsed.' },
  SR_SCRIPT_LINE_INVALID: { usage: true, about: 'The script parser could not understand a line.' },
  SR_RUN_INVALID: { usage: true, about: 'A run folder is missing files or holds malformed ones.' },
  SR_RUN_NEWER_VERSION: { usage: true, about: 'A run folder was written by a newer Showrunner.' },
  SR_STAGE_FAILED: { usage: false, about: 'A stage plugin threw an error without a code of its own.' },
  SR_HOOK_FAILED: { usage: false, about: 'A hook threw; the error names the plugin and hook.' },
  SR_ABORTED: { usage: false, about: 'The run was cancelled (Ctrl-C or a job cancellation).' },
  SR_STEP_TARGET_NOT_FOUND: { usage: false, about: 'No element matched a step target.' },
  SR_STEP_TIMEOUT: { usage: false, about: 'A step action did not finish in time.' },
  SR_STEP_NAVIGATION: { usage: false, about: 'A navigation failed (DNS, HTTP error, refused).' },
  SR_STEP_ABORTED: { usage: false, about: 'A failed step was answered with "abort".' },
  SR_STEP_INVALID: { usage: false, about: 'A step cannot be performed as written (e.g. unknown key).' },
  SR_SECRET_MISSING: { usage: true, about: 'A step reads a secret from an environment variable that is unset.' },
  SR_BROWSER_NOT_FOUND: { usage: false, about: 'No Chromium could be found or launched.' },
  SR_BROWSER_CRASHED: { usage: false, about: 'The page crashed or the browser disconnected.' },
  SR_TTS_VOICE_UNKNOWN: { usage: true, about: 'The voice is not one the tts plugin offers.' },
  SR_TTS_LANGUAGE: { usage: true, about: "No installed voice of the tts plugin speaks the demo's language." },
  SR_TTS_MODEL_MISSING: { usage: false, about: 'Voice model files are missing or corrupt.' },
  SR_TTS_FAILED: { usage: false, about: 'Speech synthesis failed.' },
  SR_TTS_DOWNLOAD_FAILED: { usage: false, about: 'Downloading voice model files failed.' },
  SR_FFMPEG_NOT_FOUND: { usage: false, about: 'No ffmpeg binary could be found.' },
  SR_FFMPEG_FAILED: { usage: false, about: 'ffmpeg exited with an error (its stderr is attached).' },
  SR_FFMPEG_UNSUPPORTED: { usage: false, about: 'The ffmpeg build lacks a filter or encoder an option needs.' },
  SR_MERGE_INPUT_INVALID: { usage: false, about: 'The recording or clips handed to merge are unusable.' },
  SR_PLAN_INVALID: { usage: false, about: 'The language model returned a plan that fails the schema.' },
  SR_PLAN_REQUEST_FAILED: { usage: false, about: 'Every model and retry of a planning request failed.' },
  SR_STORAGE_FAILED: { usage: false, about: 'Storing the finished files failed.' },
  SR_LIMIT_EXCEEDED: { usage: true, about: 'An input is over one of the named limits (LIMITS); names the limit and its value.' },
  SR_URL_REFUSED: { usage: true, about: 'A URL uses a scheme other than http(s) or breaks the navigation policy.' },
  SR_NETWORK_REFUSED: {
    usage: false,
    about: 'An untrusted run tried to reach a private, loopback or otherwise refused address.',
  },
  SR_PATH_OUTSIDE: { usage: true, about: 'A path built from data would leave its run folder.' },
  SR_SECRET_REFUSED: {
    usage: true,
    about: 'A step reads a secret this run may not read (not on the allow-list, or $NAME when untrusted).',
  },
  SR_FILE_REFUSED: { usage: true, about: 'A file kind this run may not load (code demo files when untrusted).' },
  SR_RUN_STATE: { usage: true, about: 'The run is not in a state that allows this (e.g. approving a run that is recording).' },
  SR_RUN_CONFLICT: { usage: false, about: 'Concurrent writers kept changing the run; the update was not applied.' },
  SR_LEASE_LOST: { usage: false, about: 'A newer attempt of the stage took over; this attempt wrote nothing.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where an error happened. Every field is optional; set what is known. */
export interface ErrorWhere {
  stage?: StageName;
  plugin?: string;
  hook?: HookName;
  /** Index of the step in the demo (0-based) and its id. */
  step?: { index: number; id?: string };
  /** File the error is about (config, demo, run folder file). */
  file?: string;
  /** Config slot (`parse`, `tts`, ..., `plugins[2]`). */
  slot?: string;
  /** Dotted path of the offending field, e.g. `steps.3.value`. */
  field?: string;
  /** One line telling the user what to do next. */
  hint?: string;
}

/** A ShowrunnerError as plain data (run.json, `--json` output). */
export type ErrorData = { code: ErrorCode; message: string; [field: string]: unknown };

/**
 * The one error type Showrunner throws. Plugins throw it too, with a code from {@link ERROR_CODES};
 * core fills in `stage`/`plugin` when it passes through a stage or hook, never wrapping twice.
 */
const BRAND = Symbol.for('showrunner.error');

export class ShowrunnerError extends Error implements ErrorWhere {
  /**
   * `instanceof` checks a brand, not the prototype. The CLI loads configs into the host's module graph
   * (one copy of core), but a `.ts` config in a CommonJS project is still compiled by tsx's require hook
   * into a second, CommonJS copy of this module, and errors thrown by its plugins must be recognised.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && BRAND in value;
  }

  readonly [BRAND] = true;
  readonly code: ErrorCode;
  stage?: StageName;
  plugin?: string;
  hook?: HookName;
  step?: { index: number; id?: string };
  file?: string;
  slot?: string;
  field?: string;
  hint?: string;

  constructor(code: ErrorCode, message: string, where: ErrorWhere & { cause?: unknown } = {}) {
    const { cause, ...rest } = where;
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ShowrunnerError';
    this.code = code;
    Object.assign(this, rest);
  }

  /** True for codes that mean "fix your input" (CLI exit code 2). */
  get isUsage(): boolean {
    return ERROR_CODES[this.code].usage;
  }

  /** Plain data for run.json, logs and `--json` output. */
  toJSON(): ErrorData {
    const { code, message, stage, plugin, hook, step, file, slot, field, hint } = this;
    return { code, message, stage, plugin, hook, step, file, slot, field, hint };
  }
}

export function isShowrunnerError(err: unknown): err is ShowrunnerError {
  return err instanceof ShowrunnerError;
}

/**
 * Attach context to an error on its way out of a stage or hook. A ShowrunnerError keeps its code and
 * gains the missing fields; anything else becomes `fallback` with the original as `cause`.
 */
export function withContext(err: unknown, where: ErrorWhere, fallback: ErrorCode = 'SR_STAGE_FAILED'): ShowrunnerError {
  if (err instanceof ShowrunnerError) {
    for (const [key, value] of Object.entries(where) as [keyof ErrorWhere, unknown][]) {
      if (err[key] === undefined) Object.assign(err, { [key]: value });
    }
    return err;
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return new ShowrunnerError('SR_ABORTED', 'The run was cancelled.', { ...where, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  const who = where.hook ? `hook "${where.hook}"` : where.stage ? `stage "${where.stage}"` : 'a plugin';
  const prefix = where.plugin ? `[${where.plugin}] ${who} failed: ` : '';
  return new ShowrunnerError(fallback, prefix + message, { ...where, cause: err });
}
