import path from 'node:path';
import type { ResolvedConfig } from '../config.js';
import { ShowrunnerError } from '../errors.js';
import { callHook } from '../hooks.js';
import type { Logger, StageContext } from '../plugin.js';
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
    emit: (name, event) => callHook(config.plugins, name, { ...event, runId, stage } as never),
    resolve: (runPath) => path.resolve(runDir, runPath),
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
