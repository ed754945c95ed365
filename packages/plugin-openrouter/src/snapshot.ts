import type { StageContext } from '@showrunner/core';
import type { ResolvedOptions, SnapshotFn } from './options.js';

/**
 * The ARIA snapshot of the start page for the prompt, or undefined to plan without one. Called once
 * per `run`, before the first request. Uses the `snapshot` option when it is a function, else
 * `ariaSnapshot` from @showrunner/plugin-playwright (an optional peer dependency, imported only
 * here). Never fails the run: a missing helper, a relative start URL or a page that does not load
 * is logged as a warning and the plan is made from the description alone.
 */
export async function pageSnapshot(url: string, options: ResolvedOptions, ctx: StageContext): Promise<string | undefined> {
  if (options.snapshot === false) return undefined;
  if (!/^https?:\/\//i.test(url)) {
    ctx.log.warn(`Not taking a page snapshot: the start URL "${url}" is not absolute; planning from the description alone.`);
    return undefined;
  }
  const take = options.snapshot ?? (await loadAriaSnapshot(options, ctx));
  if (!take) return undefined;
  const started = performance.now();
  try {
    const yaml = await take(url);
    const max = options.snapshotMaxChars;
    ctx.log.info(`Page snapshot of ${url}: ${yaml.length} characters in ${Math.round(performance.now() - started)} ms`);
    // A custom snapshot function may return anything: cap it like the helper does.
    return yaml.length > max ? `${yaml.slice(0, max)}\n# … cut at ${max} characters` : yaml;
  } catch (err) {
    ctx.log.warn(`Page snapshot of ${url} failed (${(err as Error).message.split('\n')[0]}); planning without it.`);
    return undefined;
  }
}

/** The part of @showrunner/plugin-playwright used here (its `ariaSnapshot` export). */
interface BrowserHelper {
  ariaSnapshot(url: string, options?: { maxChars?: number; timeoutMs?: number }): Promise<string>;
}

// A variable specifier keeps the optional peer out of this package's build: the two packages are
// built and released independently, and the signature is checked at run time below.
const HELPER: string = '@showrunner/plugin-playwright';

async function loadAriaSnapshot(options: ResolvedOptions, ctx: StageContext): Promise<SnapshotFn | undefined> {
  try {
    const { ariaSnapshot } = (await import(HELPER)) as Partial<BrowserHelper>;
    if (typeof ariaSnapshot !== 'function') throw new Error(`${HELPER} has no ariaSnapshot export; update it`);
    return (url) => ariaSnapshot(url, { maxChars: options.snapshotMaxChars, timeoutMs: options.snapshotTimeoutMs });
  } catch (err) {
    const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(`'${HELPER}'`);
    ctx.log.warn(
      missing
        ? `Not taking a page snapshot: ${HELPER} is not installed (\`npm install -D ${HELPER}\`), ` +
            'so steps may not name the real elements.'
        : `Not taking a page snapshot: ${HELPER} failed to load (${(err as Error).message.split('\n')[0]}).`,
    );
    return undefined;
  }
}
