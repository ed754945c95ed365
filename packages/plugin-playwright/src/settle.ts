import type { Page, Request } from 'playwright-core';
import { isGone, sleep } from './util.js';

/** Quiet time that counts as "network idle", as in Playwright's own `networkidle`. */
const QUIET_MS = 300;

/**
 * Counts the page's requests in flight, so the recorder can wait for the network to go quiet after
 * any step (not only after a navigation, which is all Playwright's `networkidle` covers).
 * Created once per page; listeners run on Playwright's event loop.
 */
export class NetworkTracker {
  private readonly inflight = new Set<Request>();
  private lastChange = Date.now();

  constructor(page: Page) {
    const done = (request: Request) => {
      if (this.inflight.delete(request)) this.lastChange = Date.now();
    };
    page.on('request', (request) => {
      this.inflight.add(request);
      this.lastChange = Date.now();
    });
    page.on('requestfinished', done);
    page.on('requestfailed', done);
  }

  /** Resolve once no request was in flight for 300 ms, or after `budgetMs` (long polls never end). */
  async idle(budgetMs: number): Promise<void> {
    const deadline = Date.now() + budgetMs;
    while (Date.now() < deadline) {
      if (this.inflight.size === 0 && Date.now() - this.lastChange >= QUIET_MS) return;
      await sleep(50);
    }
  }
}

/**
 * Wait until the page is calm enough to film the next step: the document loaded, the network
 * quiet, fonts ready and the app's finite animations finished (the overlay's own are ignored).
 * Called by the step runner after every action; never longer than `budgetMs` in total.
 */
export async function settle(page: Page, network: NetworkTracker, budgetMs: number): Promise<void> {
  const deadline = Date.now() + budgetMs;
  const left = () => Math.max(0, deadline - Date.now());
  // Let an action's consequences (a navigation, a fetch) begin before checking for quiet.
  await sleep(Math.min(60, left()));
  await page.waitForLoadState('load', { timeout: Math.max(1, left()) }).catch(rethrowGone);
  await network.idle(left());
  // A navigation the action started shows up as a request above: wait for its document too.
  await page.waitForLoadState('load', { timeout: Math.max(1, left()) }).catch(rethrowGone);
  await page
    .evaluate(async (ms) => {
      const timeout = new Promise((resolve) => setTimeout(resolve, ms));
      const finite = document.getAnimations().filter((a) => {
        const timing = a.effect?.getComputedTiming();
        return a.id !== 'showrunner' && a.playState === 'running' && timing?.endTime !== Number.POSITIVE_INFINITY;
      });
      await Promise.race([Promise.all([document.fonts.ready, ...finite.map((a) => a.finished.catch(() => {}))]), timeout]);
    }, left())
    .catch(rethrowGone);
}

function rethrowGone(err: unknown): void {
  if (isGone(err)) throw err;
}
