import type { Page, Request } from 'playwright-core';
import { abortable, isGone, sleep } from './util.js';

/** Quiet time that counts as "network idle", as in Playwright's own `networkidle`. */
const QUIET_MS = 300;

/**
 * Counts the page's requests in flight, so the recorder can wait for the network to go quiet after
 * any step (not only after a navigation, which is all Playwright's `networkidle` covers). Work the
 * recorder starts on the page's behalf (following a popup) counts too, through {@link hold}.
 * Created once per page; listeners run on Playwright's event loop.
 */
export class NetworkTracker {
  private readonly inflight = new Set<Request | Promise<unknown>>();
  private lastChange = Date.now();

  constructor(page: Page) {
    page.on('request', (request) => this.add(request));
    page.on('requestfinished', (request) => this.remove(request));
    page.on('requestfailed', (request) => this.remove(request));
  }

  /** Count `work` as a request in flight until it settles. */
  hold(work: Promise<unknown>): void {
    this.add(work);
    work.catch(() => {}).finally(() => this.remove(work));
  }

  /** Resolve once nothing was in flight for 300 ms, or after `budgetMs` (long polls never end). */
  async idle(budgetMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + budgetMs;
    while (Date.now() < deadline) {
      if (this.inflight.size === 0 && Date.now() - this.lastChange >= QUIET_MS) return;
      await sleep(50, signal);
    }
  }

  private add(item: Request | Promise<unknown>): void {
    this.inflight.add(item);
    this.lastChange = Date.now();
  }

  private remove(item: Request | Promise<unknown>): void {
    if (this.inflight.delete(item)) this.lastChange = Date.now();
  }
}

/**
 * Wait until the page is calm enough to film the next step: the document loaded, the network
 * quiet, fonts ready and the app's finite animations finished (the overlay's own are ignored).
 * Called by the step runner after every action; never longer than `budgetMs` in total, and over at
 * once when `signal` aborts (cancel, deadline, refused navigation).
 */
export async function settle(page: Page, network: NetworkTracker, budgetMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + budgetMs;
  const left = () => Math.max(0, deadline - Date.now());
  const live = <T>(work: Promise<T>) => (signal ? abortable(work, signal) : work);
  // Let an action's consequences (a navigation, a fetch) begin before checking for quiet.
  await sleep(Math.min(60, left()), signal);
  await live(page.waitForLoadState('load', { timeout: Math.max(1, left()) }).catch(rethrowGone));
  await network.idle(left(), signal);
  // A navigation the action started shows up as a request above: wait for its document too.
  await live(page.waitForLoadState('load', { timeout: Math.max(1, left()) }).catch(rethrowGone));
  // A hung page never answers an evaluate: give up on it with the budget.
  const budget = left();
  await live(
    Promise.race([
      sleep(budget + 100),
      page.evaluate(async (ms) => {
        const timeout = new Promise((resolve) => setTimeout(resolve, ms));
        const finite = document.getAnimations().filter((a) => {
          const timing = a.effect?.getComputedTiming();
          return a.id !== 'showrunner' && a.playState === 'running' && timing?.endTime !== Number.POSITIVE_INFINITY;
        });
        await Promise.race([Promise.all([document.fonts.ready, ...finite.map((a) => a.finished.catch(() => {}))]), timeout]);
      }, budget),
    ]).catch(rethrowGone),
  );
}

function rethrowGone(err: unknown): void {
  if (isGone(err)) throw err;
}
