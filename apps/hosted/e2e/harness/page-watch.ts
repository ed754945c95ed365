import type { Page } from '@playwright/test';

/** What the demo page showed while a run moved, recorded in the page from the moment `watch` was called. */
export interface Seen {
  statuses: string[];
  progress: number[];
  stepOf: string[];
  stages: string[];
}

/**
 * Records every status, progress value, "step n of m" and stage line the demo page renders, with a
 * MutationObserver (nothing is sampled: a value shown for one frame is still seen).
 */
export async function watch(page: Page): Promise<() => Promise<Seen>> {
  await page.evaluate(() => {
    const seen = { statuses: [] as string[], progress: [] as number[], stepOf: [] as string[], stages: [] as string[] };
    const push = <T>(list: T[], value: T | null | undefined) => {
      if (value !== null && value !== undefined && list[list.length - 1] !== value) list.push(value);
    };
    const look = () => {
      push(seen.statuses, document.querySelector('[data-testid="status"]')?.getAttribute('data-status'));
      const bar = document.querySelector('[data-testid="progress"]')?.getAttribute('aria-valuenow');
      if (bar) push(seen.progress, Number(bar));
      push(seen.stepOf, document.querySelector('[data-testid="step-of"]')?.textContent?.trim());
      push(seen.stages, document.querySelector('[data-testid="stage"]')?.textContent?.trim());
    };
    look();
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    (window as unknown as { __seen: typeof seen }).__seen = seen;
  });
  return () => page.evaluate(() => (window as unknown as { __seen: Seen }).__seen);
}
