import type { Plugin, UserConfigExport } from './plugin.js';
import type { DemoInput } from './schema/demo.js';

/** Typing helper for `showrunner.config.ts`; returns its argument. Validation happens at load. */
export function defineConfig<const T extends UserConfigExport>(config: T): T {
  return config;
}

/** Typing helper for `*.demo.ts` files; returns its argument. Validation happens at load. */
export function defineDemo<const T extends DemoInput>(demo: T): T {
  return demo;
}

/** Typing helper for plugin factories: keeps the `stage` literal so a slot mismatch is a type error. */
export function definePlugin<const P extends Plugin>(plugin: P): P {
  return plugin;
}
