import { checkWebUrl, isShowrunnerError, type NetworkGuard, type Refusal, redactUrl, ShowrunnerError } from '@showrunner/core';
import { type BrowserOptions, launchBrowser } from './browser.js';
import { maskedSnapshot } from './mask.js';
import { Secrets } from './secrets.js';

/** Options of {@link ariaSnapshot}. */
export interface SnapshotOptions extends BrowserOptions {
  /** Cut the snapshot at this many characters (default 8000) so it fits a prompt. */
  maxChars?: number;
  /** Page load budget in ms (default 15000). */
  timeoutMs?: number;
  viewport?: { width: number; height: number };
  /** The run's network guard (`ctx.policy.network`, untrusted runs): every connection of the page is checked. */
  network?: NetworkGuard;
  /** `ctx.policy.trusted`; false starts Chromium with a minimal environment (default true). */
  trusted?: boolean;
}

/**
 * Open a page in a fresh headless browser and return its ARIA snapshot (YAML: roles and accessible
 * names), masked and capped in size. Used by the parse stage so planned steps name real elements;
 * the snapshot goes to a language model, so field contents that are secret never leave the machine.
 * Throws SR_URL_REFUSED for a non-http(s) URL, SR_NETWORK_REFUSED when the guard refuses the page
 * (its own address, or where it redirects).
 */
export async function ariaSnapshot(url: string, options: SnapshotOptions = {}): Promise<string> {
  const target = checkWebUrl(url, 'url');
  const guard = options.network;
  // A start URL that is itself refused needs no browser to say so.
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  await guard?.resolve(target.hostname, port).catch((err) => {
    if (isShowrunnerError(err)) throw err; // unresolvable names are left to the browser's own error
  });
  const browser = await launchBrowser(options);
  try {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 720 } });
    const timeout = options.timeoutMs ?? 15_000;
    const lastRefusal = guard?.refused.at(-1);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout }).catch((err) => {
      throw (guard && refusedSince(guard, lastRefusal, url)) ?? err;
    });
    await page.waitForLoadState('networkidle', { timeout: Math.min(timeout, 5_000) }).catch(() => {});
    return await maskedSnapshot(page, new Secrets(), { maxChars: options.maxChars, timeoutMs: timeout });
  } finally {
    await browser.close();
  }
}

/** The guard's newest refusal after `last`, as the error of a page that failed to load because of it. */
function refusedSince(guard: NetworkGuard, last: Refusal | undefined, url: string): ShowrunnerError | undefined {
  const newest = guard.refused.at(-1);
  if (!newest || newest === last) return undefined;
  const at = newest.address && newest.address !== newest.host ? ` (${newest.address})` : '';
  return new ShowrunnerError(
    'SR_NETWORK_REFUSED',
    `${redactUrl(url)} could not load: it led to ${newest.host}:${newest.port}${at}, a ${newest.reason} address the network guard refuses.`,
    { field: 'url', hint: 'An untrusted run only reaches public addresses; `network.allow` in the config opens others.' },
  );
}
