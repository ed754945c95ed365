import path from 'node:path';
import { type HookPlugin, type ResolvedConfig, resolveConfig, type UserConfig, type UserConfigExport } from '@showrunner/core';
import { appRoot } from '../env';

/**
 * The hosted pipeline (showrunner.config.ts) resolved, with extra hook plugins (the worker adds the
 * status hook). Loaded on first use: the web process needs it only to re-plan a card (planStep).
 */
export async function hostedConfig(plugins: HookPlugin[] = []): Promise<ResolvedConfig> {
  const exported: UserConfigExport = (await import('../../showrunner.config')).default;
  const user: UserConfig = typeof exported === 'function' ? await exported({ command: 'worker' }) : exported;
  const root = appRoot();
  return resolveConfig(
    { ...user, plugins: [...(user.plugins ?? []), ...plugins] },
    { root, file: path.join(root, 'showrunner.config.ts') },
  );
}
