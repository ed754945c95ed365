import type { HookPlugin } from '../plugin.js';
import type { Trust } from '../policy/policy.js';
import type { SecretsOption } from '../policy/secrets.js';
import type { StageName } from '../types.js';
import type { RunFiles } from './files.js';
import type { RunStore } from './store.js';

/** One line a plugin (or core, for a failed hook) logged, with who logged it. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn';
  message: string;
  plugin: string;
  stage?: StageName;
  /** Set for coded warnings, e.g. SR_HOOK_FAILED for an observer that threw. */
  code?: string;
}

/** Options every run entry point takes. Set by the CLI, a queue worker or the hosted app. */
export interface RunOptions {
  /** Aborts the run (Ctrl-C, job cancellation); stages see it as `ctx.signal`, the run ends `cancelled`. */
  signal?: AbortSignal;
  /** Receives plugin log lines and coded warnings. Default: warnings to stderr. */
  log?: (entry: LogEntry) => void;
  /** Make this run untrusted although the config is not (never the other way round). */
  trust?: Trust;
  /** Secrets this run may type (a per-user vault); wins over the config's `secrets`. */
  secrets?: SecretsOption;
  /** Hook plugins for this run only, called after the config's (a worker's status writer, the CLI's progress). */
  plugins?: HookPlugin[];
  /** How long a failed step waits for a decision before `onFail` answers (ms); wins over the config. */
  decisionTimeoutMs?: number;
  /** Where the run's state lives. Default: the run folder (run.json); the hosted app passes its Postgres store. */
  store?: RunStore;
  /** How the run's files reach other machines (queue workers): pulled before a stage, pushed before it commits. */
  files?: RunFiles;
}
