import path from 'node:path';
import type { ResolvedConfig } from '../config.js';
import { HookBus } from '../hooks.js';
import type { HookEvent, HookName, Logger, Plugin } from '../plugin.js';
import { safeJoin } from '../policy/paths.js';
import { createPolicy, type RunPolicy } from '../policy/policy.js';
import type { StageName } from '../types.js';
import { type RunRef, runRef } from './folder.js';
import type { LogEntry, RunOptions } from './options.js';

const defaultLog = (entry: LogEntry) => {
  if (entry.level === 'warn') process.stderr.write(`[${entry.plugin}] ${entry.code ? `${entry.code} ` : ''}${entry.message}\n`);
};

/**
 * One run's life in this process: its store handle, guards, cancellation, hook queue, and the
 * plugins it used. Opened by runPipeline (or by runStage when called alone), closed once at the end:
 * the hooks are drained and every slot plugin's `release(runId)` is called, which frees this run's
 * browser or share of a pooled model and nothing of any other run.
 */
export class RunScope {
  readonly ref: RunRef;
  readonly config: ResolvedConfig;
  readonly policy: RunPolicy;
  readonly signal: AbortSignal;
  readonly options: RunOptions;
  readonly bus: HookBus;
  private readonly sink: (entry: LogEntry) => void;
  private closed?: Promise<void>;

  constructor(config: ResolvedConfig, runDir: string, options: RunOptions) {
    this.config = config;
    this.options = options;
    this.ref = runRef(runDir, options.store);
    this.signal = options.signal ?? new AbortController().signal;
    this.sink = options.log ?? defaultLog;
    this.policy = createPolicy({
      ...config.policy,
      trust: options.trust === 'untrusted' ? 'untrusted' : config.policy.trust,
      secrets: options.secrets ?? config.policy.secrets,
      decisionTimeoutMs: options.decisionTimeoutMs ?? config.policy.decisionTimeoutMs,
    });
    const plugins: Plugin[] = [...config.plugins, ...(options.plugins ?? [])];
    this.bus = new HookBus(plugins, (error) =>
      this.sink({ level: 'warn', message: error.message, plugin: error.plugin ?? 'showrunner', code: error.code }),
    );
  }

  /** The same run with another signal (the recorder beside tts stops when the voice fails). */
  withSignal(signal: AbortSignal): RunScope {
    return Object.assign(Object.create(RunScope.prototype) as RunScope, this, { signal });
  }

  get runId(): string {
    return this.ref.runId;
  }

  /** A logger that tags lines with the plugin (and stage) they come from. */
  logger(plugin: string, stage?: StageName): Logger {
    return {
      debug: (message) => this.sink({ level: 'debug', message, plugin, stage }),
      info: (message) => this.sink({ level: 'info', message, plugin, stage }),
      warn: (message) => this.sink({ level: 'warn', message, plugin, stage }),
    };
  }

  /** Queue a hook event (see HookBus); `stage` and the event's step go into each call's context. */
  emit<K extends HookName>(name: K, event: HookEvent<K>): void {
    const e = event as { stage?: StageName; step?: { id: string }; index?: number };
    this.bus.emit(name, event, {
      runId: this.runId,
      stage: e.stage,
      step: e.step && e.index !== undefined ? { index: e.index, id: e.step.id } : undefined,
      signal: this.signal,
      resolve: (p) => safeJoin(this.ref.dir, p),
      log: (plugin) => this.logger(plugin, e.stage),
    });
  }

  /** Drain the hooks and release every slot plugin for this run. Safe to call twice. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      await this.bus.flush().catch(() => {}); // a critical hook already failed the stage that ran it
      for (const plugin of Object.values(this.config.slots)) {
        await plugin
          ?.release?.(this.runId)
          .catch((err: unknown) =>
            this.sink({ level: 'warn', message: `release failed: ${(err as Error).message}`, plugin: plugin.name }),
          );
      }
    })();
    return this.closed;
  }

  /** Folder of one attempt of a stage: `<runDir>/<stage>/<attempt>/`. */
  attemptDir(stage: StageName, attempt: number): string {
    return path.join(this.ref.dir, stage, String(attempt));
  }
}
