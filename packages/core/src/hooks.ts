import { type ShowrunnerError, withContext } from './errors.js';
import type { HookContext, HookEvent, HookName, Logger, Plugin } from './plugin.js';

/** A plugin's hook as a function and whether its failure fails the run. */
export function hookOf<K extends HookName>(
  plugin: Plugin,
  name: K,
): { handler: (event: HookEvent<K>, ctx: HookContext) => void | Promise<void>; critical: boolean } | undefined {
  const spec = plugin.hooks?.[name] as unknown;
  if (typeof spec === 'function') return { handler: spec as never, critical: false };
  if (spec && typeof spec === 'object' && typeof (spec as { handler?: unknown }).handler === 'function') {
    const { handler, critical } = spec as { handler: never; critical?: boolean };
    return { handler, critical: critical === true };
  }
  return undefined;
}

/** What the bus needs to build each call's context: everything but the plugin's own logger. */
export type HookBase = Omit<HookContext, 'log'> & { log: (plugin: string) => Logger };

/**
 * The run's hook queue. `emit` returns at once; calls run one at a time, in emit order and config
 * order, so a hook that writes to a database never adds dead time to a recording. A throwing hook is
 * logged as an SR_HOOK_FAILED warning; a `critical` one is also kept and thrown by `flush(stage)`,
 * which core calls when that stage ends (so the stage fails) and when the run ends. One bus per run per process.
 */
export class HookBus {
  private tail: Promise<void> = Promise.resolve();
  /** Critical failures by the stage whose event the hook observed (`run` for run-level events). */
  private readonly failures = new Map<string, ShowrunnerError>();
  private readonly plugins: readonly Plugin[];
  private readonly warn: (error: ShowrunnerError) => void;

  constructor(plugins: readonly Plugin[], warn: (error: ShowrunnerError) => void) {
    this.plugins = plugins;
    this.warn = warn;
  }

  /** Queue one event for every plugin that has the hook. */
  emit<K extends HookName>(name: K, event: HookEvent<K>, base: HookBase): void {
    const calls = this.plugins.flatMap((plugin) => {
      const hook = hookOf(plugin, name);
      return hook ? [{ plugin, ...hook }] : [];
    });
    if (!calls.length) return;
    this.tail = this.tail.then(async () => {
      for (const { plugin, handler, critical } of calls) {
        try {
          await handler(event, { ...base, log: base.log(plugin.name) });
        } catch (err) {
          const error = withContext(err, { plugin: plugin.name, hook: name, stage: base.stage }, 'SR_HOOK_FAILED');
          this.warn(error);
          const key = base.stage ?? 'run';
          if (critical && !this.failures.has(key)) this.failures.set(key, error);
        }
      }
    });
  }

  /**
   * Wait for every queued call, then throw the first critical failure of a hook that observed
   * `stage` (or, without one, of any), once: a stage fails only for its own events.
   */
  async flush(stage?: string): Promise<void> {
    await this.tail;
    const key = stage ?? this.failures.keys().next().value;
    const failure = key === undefined ? undefined : this.failures.get(key);
    if (key !== undefined) this.failures.delete(key);
    if (failure) throw failure;
  }
}
