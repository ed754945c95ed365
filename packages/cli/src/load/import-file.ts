import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

let registered = false;

/**
 * Import a config or demo module (.ts/.mts via tsx, .js/.mjs natively) and return its default
 * export. tsx's `tsImport` does not cache, so an edited file is read afresh.
 */
export async function importDefault(file: string): Promise<unknown> {
  if (!registered) {
    register('./fallback-hook.js', { parentURL: import.meta.url, data: { cliURL: import.meta.url } });
    registered = true;
  }
  const mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
  // CJS-interop shapes: a transpiled `export default` can arrive as default.default.
  const value = mod.default ?? mod;
  return (value as { default?: unknown }).default ?? value;
}
