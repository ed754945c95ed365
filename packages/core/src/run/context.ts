import path from 'node:path';
import type { ResolvedConfig } from '../config.js';
import { ShowrunnerError } from '../errors.js';
import { callHook } from '../hooks.js';
import type { HookPlugin, Logger, StageContext } from '../plugin.js';
import { safeJoin } from '../policy/paths.js';
import { createPolicy, type Trust } from '../policy/policy.js';
import type { SecretsOption } from '../policy/secrets.js';
import type { StageName } from '../types.js';

/** One line a plugin logged, with who logged it. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn';
  message: string;
  plugin: string;
  stage: StageName;
}

/** Options every run entry point takes. Set by the CLI or the hosted worker. */
export interface RunOptions {
  /** Aborts the run (Ctrl-C, job cancellation); stages see it as `ctx.signal`. */
  signal?: AbortSignal;
  /** Receives plugin log lines. Default: warnings to stderr. */
  log?: (entry: LogEntry) => void;
  /** Make this run untrusted although the config is not (never the other way round). */
  trust?: Trust;
  /** Secrets this run may type (a per-user vault); wins over the config's `secrets`. */
  secrets?: SecretsOption;
  /** Hook plugins for this run only, called after the config's (a worker's status writer, the CLI's progress). */
  plugins?: HookPlugin[];
}

const defaultLog = (entry: LogEntry) => {
  if (entry.level === 'warn') process.stderr.write(`[${entry.plugin}] ${entry.message}\n`);
};

/** Build the context a stage plugin's `run` receives. */
export function createContext(
  config: ResolvedConfig,
  runDir: string,
  stage: StageName,
  plugin: string,
  options: RunOptions,
): StageContext {
  const runId = path.basename(runDir);
  const dir = path.join(runDir, stage);
  const sink = options.log ?? defaultLog;
  const log: Logger = {
    debug: (message) => sink({ level: 'debug', message, plugin, stage }),
    info: (message) => sink({ level: 'info', message, plugin, stage }),
    warn: (message) => sink({ level: 'warn', message, plugin, stage }),
  };
  return {
    runId,
    stage,
    runDir,
    dir,
    root: config.root,
    cacheDir: config.cacheDir,
    signal: options.signal ?? new AbortController().signal,
    log,
    policy: createPolicy({
      ...config.policy,
      trust: options.trust === 'untrusted' ? 'untrusted' : config.policy.trust,
      secrets: options.secrets ?? config.policy.secrets,
    }),
    emit: (name, event) => callHook(config.plugins, name, { ...event, runId, stage } as never),
    resolve: (runPath) => safeJoin(runDir, runPath),
    async artifact(file, kind) {
      const rel = path.relative(runDir, path.resolve(dir, file));
      if (rel.startsWith('..') || !path.resolve(runDir, rel).startsWith(dir + path.sep)) {
        throw new ShowrunnerError('SR_STAGE_FAILED', `${plugin} wrote ${file} outside its folder ${dir}.`, { stage, plugin });
      }
      await callHook(config.plugins, 'onArtifact', { runId, stage, path: rel, kind });
      return rel;
    },
  };
}
