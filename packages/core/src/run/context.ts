import path from 'node:path';
import { ShowrunnerError } from '../errors.js';
import type { HookPlugin, StageContext } from '../plugin.js';
import { safeJoin } from '../policy/paths.js';
import type { Trust } from '../policy/policy.js';
import type { SecretsOption } from '../policy/secrets.js';
import type { StageName } from '../types.js';
import type { RunScope } from './scope.js';
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
}

/**
 * Build the context a stage plugin's `run` receives for one attempt. `dir` is the attempt's own
 * folder (`<runDir>/<stage>/<attempt>/`); everything the plugin writes goes there.
 */
export function createContext(scope: RunScope, stage: StageName, plugin: string, dir: string): StageContext {
  const { runId } = scope;
  const runDir = scope.ref.dir;
  return {
    runId,
    stage,
    runDir,
    dir,
    root: scope.config.root,
    cacheDir: scope.config.cacheDir,
    signal: scope.signal,
    log: scope.logger(plugin, stage),
    policy: scope.policy,
    emit: async (name, event) => scope.emit(name, { ...event, runId, stage } as never),
    resolve: (runPath) => safeJoin(runDir, runPath),
    async artifact(file, kind) {
      const absolute = path.resolve(dir, file);
      if (absolute !== dir && !absolute.startsWith(dir + path.sep)) {
        throw new ShowrunnerError('SR_PATH_OUTSIDE', `${plugin} wrote ${file} outside its folder ${dir}.`, { stage, plugin });
      }
      const rel = path.relative(runDir, absolute).split(path.sep).join('/');
      scope.emit('onArtifact', { runId, stage, path: rel, kind });
      return rel;
    },
  };
}
