import { withContext } from './errors.js';
import type { HookEvent, HookName, Plugin } from './plugin.js';

/** A plugin's hook as a function and whether its failure fails the run. */
export function hookOf<K extends HookName>(
  plugin: Plugin,
  name: K,
): { handler: (event: HookEvent<K>, ctx: never) => void | Promise<void>; critical: boolean } | undefined {
  const spec = plugin.hooks?.[name] as unknown;
  if (typeof spec === 'function') return { handler: spec as never, critical: false };
  if (spec && typeof spec === 'object' && typeof (spec as { handler?: unknown }).handler === 'function') {
    const { handler, critical } = spec as { handler: never; critical?: boolean };
    return { handler, critical: critical === true };
  }
  return undefined;
}

/**
 * Call one hook on every plugin that has it: serially, in config order, each awaited. A throwing
 * hook stops the chain and surfaces as SR_HOOK_FAILED naming the plugin and the hook.
 */
export async function callHook<K extends HookName>(plugins: readonly Plugin[], name: K, event: HookEvent<K>): Promise<void> {
  for (const plugin of plugins) {
    const hook = hookOf(plugin, name);
    if (!hook) continue;
    try {
      await hook.handler(event, {} as never);
    } catch (err) {
      throw withContext(err, { plugin: plugin.name, hook: name }, 'SR_HOOK_FAILED');
    }
  }
}
