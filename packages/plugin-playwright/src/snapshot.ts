import { type BrowserOptions, launchBrowser } from './browser.js';

/** Options of {@link ariaSnapshot}. */
export interface SnapshotOptions extends BrowserOptions {
  /** Cut the snapshot at this many characters (default 8000) so it fits a prompt. */
  maxChars?: number;
  /** Page load budget in ms (default 15000). */
  timeoutMs?: number;
  viewport?: { width: number; height: number };
}

/**
 * Open a page in a fresh headless browser and return its ARIA snapshot (YAML: roles and accessible
 * names), capped in size. Used by the parse stage so planned steps name real elements.
 */
export async function ariaSnapshot(url: string, options: SnapshotOptions = {}): Promise<string> {
  const browser = await launchBrowser(options);
  try {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 720 } });
    const timeout = options.timeoutMs ?? 15_000;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
    await page.waitForLoadState('networkidle', { timeout: Math.min(timeout, 5_000) }).catch(() => {});
    const yaml = await page.locator('body').ariaSnapshot({ timeout });
    const max = options.maxChars ?? 8_000;
    return yaml.length > max ? `${yaml.slice(0, max)}\n# … cut at ${max} characters` : yaml;
  } finally {
    await browser.close();
  }
}
