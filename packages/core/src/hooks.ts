import { withContext } from './errors.js';
import type { HookEvent, HookName, Plugin } from './plugin.js';

/**
 * Call one hook on every plugin that has it: serially, in config order, each awaited. A throwing
 * hook stops the chain and surfaces as SR_HOOK_FAILED naming the plugin and the hook.
 */
export async function callHook<K extends HookName>(plugins: readonly Plugin[], name: K, event: HookEvent<K>): Promise<void> {
  for (const plugin of plugins) {
    const hook = plugin.hooks?.[name] as ((e: HookEvent<K>) => void | Promise<void>) | undefined;
    if (!hook) continue;
    try {
      await hook(event);
    } catch (err) {
      throw withContext(err, { plugin: plugin.name, hook: name }, 'SR_HOOK_FAILED');
    }
  }
}
