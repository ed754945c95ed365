import { type NetworkGuard, type Refusal, type RunPolicy, ShowrunnerError, type StageContext } from '@showrunner/core';
import type { ResolvedOptions, SnapshotFn } from './options.js';
import { redactLinks } from './site.js';

/**
 * The ARIA snapshot of the start page for the prompt, or undefined to plan without one. Called once
 * per `run`, before the first request. Uses the `snapshot` option when it is a function, else
 * `ariaSnapshot` from @showrunner/plugin-playwright (an optional peer dependency, imported only
 * here), handing either the run's network guard. Link URLs in it have their query values and
 * fragments redacted (tokens travel there).
 *
 * Trusted runs never fail here: a missing helper, a relative start URL or a page that does not load
 * is logged as a warning and the plan is made from the description alone. Untrusted runs check the
 * start URL first (SR_URL_REFUSED for anything but absolute http(s)) and fail with SR_NETWORK_REFUSED
 * when the guard refuses the page, rather than plan against an address they may not reach.
 */
export async function pageSnapshot(url: string, options: ResolvedOptions, ctx: StageContext): Promise<string | undefined> {
  const { policy } = ctx;
  if (!policy.trusted) await checkStart(url, policy);
  if (options.snapshot === false) return undefined;
  if (!/^https?:\/\//i.test(url)) {
    ctx.log.warn(
      `Not taking a page snapshot: the start URL "${url}" is not an absolute http(s) URL; planning from the description alone.`,
    );
    return undefined;
  }
  const take = options.snapshot ?? (await loadAriaSnapshot(options, ctx));
  if (!take) return undefined;
  const started = performance.now();
  const lastRefusal = policy.network?.refused.at(-1);
  try {
    const yaml = await take(url, { network: policy.network, trusted: policy.trusted });
    const max = options.snapshotMaxChars;
    ctx.log.info(`Page snapshot of ${url}: ${yaml.length} characters in ${Math.round(performance.now() - started)} ms`);
    // A custom snapshot function may return anything: cap it like the helper does.
    return redactLinks(yaml.length > max ? `${yaml.slice(0, max)}\n# … cut at ${max} characters` : yaml);
  } catch (err) {
    const refused = policy.trusted ? undefined : networkRefusal(err, policy.network, lastRefusal);
    if (refused) throw refused;
    ctx.log.warn(`Page snapshot of ${url} failed (${(err as Error).message.split('\n')[0]}); planning without it.`);
    return undefined;
  }
}

/**
 * An untrusted run's start URL before anything opens it: absolute http(s) (the policy's check), and a
 * host the network guard lets through. The guard pins what the name resolved to, so the snapshot's
 * browser later reaches the same address. A name that does not resolve is left to the snapshot.
 */
async function checkStart(url: string, policy: RunPolicy): Promise<void> {
  const parsed = policy.checkUrl(url, 'url');
  if (!policy.network) return;
  const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
  try {
    await policy.network.resolve(parsed.hostname, port);
  } catch (err) {
    if ((err as ShowrunnerError).code === 'SR_NETWORK_REFUSED') throw err;
  }
}

/**
 * The guard's SR_NETWORK_REFUSED behind a failed snapshot: the error itself (or a cause of it), else
 * one built from the refusal the guard recorded while the snapshot ran (a browser behind the guard
 * reports a refused connection as a page that failed to load).
 */
function networkRefusal(err: unknown, guard: NetworkGuard | undefined, before: Refusal | undefined): Error | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    if ((e as ShowrunnerError).code === 'SR_NETWORK_REFUSED') return e;
  }
  const latest = guard?.refused.at(-1);
  if (!latest || latest === before) return undefined;
  const at = latest.address && latest.address !== latest.host ? ` (${latest.address})` : '';
  return new ShowrunnerError(
    'SR_NETWORK_REFUSED',
    `The page snapshot was refused a connection to ${latest.host}:${latest.port}${at}: ${latest.reason} address.`,
    {
      field: 'url',
      cause: err,
      hint: 'An untrusted run only reaches public addresses. To open one on purpose, add it to `network.allow` in the config.',
    },
  );
}

/** The part of @showrunner/plugin-playwright used here (its `ariaSnapshot` export). */
interface BrowserHelper {
  ariaSnapshot(
    url: string,
    options?: { maxChars?: number; timeoutMs?: number; network?: NetworkGuard; trusted?: boolean },
  ): Promise<string>;
}

// A variable specifier keeps the optional peer out of this package's build: the two packages are
// built and released independently, and the signature is checked at run time below.
const HELPER: string = '@showrunner/plugin-playwright';

async function loadAriaSnapshot(options: ResolvedOptions, ctx: StageContext): Promise<SnapshotFn | undefined> {
  try {
    const { ariaSnapshot } = (await import(HELPER)) as Partial<BrowserHelper>;
    if (typeof ariaSnapshot !== 'function') throw new Error(`${HELPER} has no ariaSnapshot export; update it`);
    return (url, { network, trusted }) =>
      ariaSnapshot(url, { maxChars: options.snapshotMaxChars, timeoutMs: options.snapshotTimeoutMs, network, trusted });
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
