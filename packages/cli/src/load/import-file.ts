import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { register as registerTsxCjs } from 'tsx/cjs/api';
import { register as registerTsxEsm } from 'tsx/esm/api';

let registered = false;

/**
 * Let this process import TypeScript configs and demos (`.ts`, `.mts`) into its own module graph:
 * registers tsx's loader hooks once for the whole process, plus a resolve hook that finds
 * `@showrunner/*` in this CLI's installation when the file's project has none. Idempotent.
 *
 * Because the hooks are global (no tsx namespace), a config's `import '@showrunner/core'` resolves
 * to the same URL as the host's and so to the same module instance: one copy of core, its state and
 * its classes. Called by {@link importDefault}; a worker process (the queue package) may call it at
 * startup before importing a config itself with `import()`.
 */
export function registerTsConfigLoader(): void {
  if (registered) return;
  registered = true;
  register('./fallback-hook.js', { parentURL: import.meta.url, data: { cliURL: import.meta.url } });
  registerTsxCjs();
  registerTsxEsm();
}

/**
 * Import a config or demo module (.ts/.mts through tsx, .js/.mjs natively) and return its default
 * export. Node caches modules: a file is evaluated once per process, and importing it again returns
 * the same module (each CLI command is its own process, so edits show up on the next command).
 * Workers load their config with this to share the CLI's and core's module instances.
 */
export async function importDefault(file: string): Promise<unknown> {
  registerTsConfigLoader();
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  // CJS-interop shapes: a transpiled `export default` can arrive as default.default.
  const value = mod.default ?? mod;
  return (value as { default?: unknown }).default ?? value;
}
