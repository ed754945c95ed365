import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

/**
 * Where the screenshots go: the README's docs/screenshots/ with E2E_SCREENSHOTS=1, else the test
 * results (an ordinary test run checks every page at both widths without touching tracked files).
 */
export const SHOTS_DIR = fileURLToPath(
  new URL(
    process.env.E2E_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../test-results/e2e-screenshots/',
    import.meta.url,
  ),
);
/** The two widths every page is checked at: a small phone and a desktop. */
export const WIDTHS = [
  { width: 375, height: 812 },
  { width: 1440, height: 900 },
] as const;

/**
 * Full-page screenshots of what `page` shows, at 375 px and 1440 px wide, as
 * docs/screenshots/<name>-<width>.png. Waits for images to finish loading at each width.
 */
export async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS_DIR, { recursive: true });
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await page.evaluate(async () => {
      await Promise.all(
        [...document.images].map((img) =>
          img.complete ? undefined : new Promise((r) => img.addEventListener('load', r, { once: true })),
        ),
      );
      await document.fonts.ready;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
    // Usable at this width: nothing sticks out sideways (no horizontal scrolling).
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${size.width} px`).toBeLessThanOrEqual(
      size.width,
    );
    await page.screenshot({
      path: path.join(SHOTS_DIR, `${name}-${size.width}.png`),
      fullPage: true,
      animations: 'disabled',
      caret: 'hide',
    });
  }
}
