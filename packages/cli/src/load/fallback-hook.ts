// Module resolve hook (registered with node:module `register`): when a config or demo file imports
// `@showrunner/*` and its own project has no install of it (`npx showrunner init` in an empty folder),
// resolve the package from the CLI's installation instead.
interface Context {
  parentURL?: string;
  conditions?: string[];
}
type Next = (specifier: string, context: Context) => Promise<{ url: string }>;

let cliURL = '';

export function initialize(data: { cliURL: string }): void {
  cliURL = data.cliURL;
}

export async function resolve(specifier: string, context: Context, next: Next): Promise<{ url: string }> {
  try {
    return await next(specifier, context);
  } catch (err) {
    const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    if (!missing || !specifier.startsWith('@showrunner/') || !cliURL) throw err;
    return next(specifier, { ...context, parentURL: cliURL });
  }
}
