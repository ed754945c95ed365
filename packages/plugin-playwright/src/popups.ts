import type { Logger, RunPolicy } from '@showrunner/core';
import type { BrowserContext, Page } from 'playwright-core';
import { navigationRefusal, shownUrl } from './navigation.js';
import type { NetworkTracker } from './settle.js';
import { isGone, sleep } from './util.js';

/** How long a popup opened blank (`window.open()` then `w.location = …`) may take to name its URL. */
const POPUP_URL_MS = 1_500;

/**
 * Init script: `window.open` opens at most `limit` real popups per document and returns null after
 * that, as under a popup blocker, so a storm of them costs nothing. `popups: 'close'` allows none
 * (each would be closed at once anyway), `follow` one (the one the recorded page follows). Links
 * with `target=_blank` still open real popups, which {@link handlePopups} handles.
 */
export function limitWindowOpen(limit: number): void {
  const native = window.open;
  let opened = 0;
  const open = function (this: Window, ...args: Parameters<Window['open']>) {
    opened += 1;
    return opened <= limit ? native.apply(this, args) : null;
  };
  for (const target of [window, Window.prototype]) {
    Object.defineProperty(target, 'open', { value: open, configurable: true, writable: true });
  }
}

/** What {@link handlePopups} needs from the session. */
export interface PopupDeps {
  context: BrowserContext;
  /** The recorded page: the only one that stays open. */
  page: Page;
  policy: RunPolicy;
  start: string;
  network: NetworkTracker;
  log: Logger;
  navigationTimeoutMs: number;
}

/**
 * Close every other page the context opens (window.open, target=_blank), at once. With
 * `popups: 'follow'`, the first popup at a time is closed too and the recorded page goes to its
 * URL when the navigation policy allows it (the step's settle waits for that load). Installed once
 * per context by the session; returns a counter of closed popups for the recording's log.
 */
export function handlePopups(deps: PopupDeps): { closed: () => number } {
  const { context, page, policy, start, log } = deps;
  let closed = 0;
  let following = false;
  // A popup's first navigation request names its URL, even when the request itself is aborted.
  // Issued before the popup's frame exists, it cannot name its page: such URLs wait in order.
  const firstUrl = new WeakMap<Page, string>();
  const unclaimed: string[] = [];
  context.on('request', (request) => {
    if (!request.isNavigationRequest()) return;
    try {
      const owner = request.frame().page();
      if (owner !== page && !firstUrl.has(owner)) firstUrl.set(owner, request.url());
    } catch {
      unclaimed.push(request.url());
      if (unclaimed.length > 20) unclaimed.shift();
    }
  });
  const close = (popup: Page) =>
    popup
      .close({ runBeforeUnload: false })
      .catch(() => {})
      .finally(() => {
        closed += 1;
      });

  const follow = async (popup: Page) => {
    following = true;
    try {
      const url = await popupUrl(popup, firstUrl, unclaimed);
      await close(popup);
      if (!url) return;
      const why = navigationRefusal(policy, start, url);
      if (why) {
        log.warn(`a popup to ${shownUrl(url)} was closed and not followed: it ${why}`);
        return;
      }
      log.info(`following a popup to ${shownUrl(url)} in the recorded page`);
      await page.goto(url, { waitUntil: 'load', timeout: deps.navigationTimeoutMs }).catch((err: unknown) => {
        if (!isGone(err)) log.warn(`following a popup to ${shownUrl(url)} failed: ${(err as Error).message.split('\n')[0]}`);
      });
    } finally {
      following = false;
    }
  };

  context.on('page', (popup) => {
    if (popup === page) return;
    if (policy.popups === 'follow' && !following) deps.network.hold(follow(popup));
    else void close(popup);
  });
  return { closed: () => closed };
}

/** The URL a popup is opening, waiting briefly for one opened blank; undefined if it names none. */
async function popupUrl(popup: Page, firstUrl: WeakMap<Page, string>, unclaimed: string[]): Promise<string | undefined> {
  const until = Date.now() + POPUP_URL_MS;
  for (;;) {
    const now = firstUrl.get(popup) ?? popup.url();
    if (now && now !== 'about:blank') return now;
    if (unclaimed.length) return unclaimed.shift();
    if (Date.now() >= until || popup.isClosed()) return undefined;
    await sleep(50);
  }
}
