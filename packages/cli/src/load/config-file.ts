import { existsSync } from 'node:fs';
import path from 'node:path';
import { type ConfigEnv, type ResolvedConfig, resolveConfig, ShowrunnerError, type UserConfigExport } from '@showrunner/core';
import { cosmiconfig } from 'cosmiconfig';
import { importDefault } from './import-file.js';

const SEARCH = ['showrunner.config.ts', 'showrunner.config.mts', 'showrunner.config.js', 'showrunner.config.mjs'];

/**
 * Find and load `showrunner.config.*` (cosmiconfig search upward from `cwd`, or `--config`), then
 * check it. Without a config file the offline defaults apply and stage slots are empty.
 */
export async function loadConfig(options: { cwd: string; file?: string; env: ConfigEnv }): Promise<ResolvedConfig> {
  const load = (file: string) => importDefault(file);
  const explorer = cosmiconfig('showrunner', {
    searchPlaces: SEARCH,
    searchStrategy: 'project',
    loaders: { '.ts': load, '.mts': load, '.js': load, '.mjs': load },
    cache: false,
  });
  let found: { config: unknown; filepath: string } | null;
  const file = options.file && path.resolve(options.cwd, options.file);
  if (file && !existsSync(file)) {
    throw new ShowrunnerError('SR_CONFIG_NOT_FOUND', `Config file ${file} does not exist.`, { file });
  }
  try {
    found = file ? await explorer.load(file) : await explorer.search(options.cwd);
  } catch (err) {
    const where = (err as { filepath?: string }).filepath ?? file ?? options.cwd;
    const message = (err as Error).message.split('\n')[0] ?? '';
    const missing = /Cannot find (?:module|package) '((?:@[\w.-]+\/)?[\w.-]+)'/.exec(message)?.[1];
    throw new ShowrunnerError('SR_CONFIG_INVALID', `Cannot load ${where}: ${message}`, {
      file: where,
      cause: err,
      hint: missing ? `Install it: npm i -D ${missing}` : undefined,
    });
  }
  if (!found) return resolveConfig({}, { root: options.cwd, env: options.env });
  return resolveConfig(found.config as UserConfigExport, { file: found.filepath, env: options.env });
}
