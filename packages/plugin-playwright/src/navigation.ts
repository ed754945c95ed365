import {
  isWebUrl,
  type NavigationPolicy,
  navigationAllowed,
  type RunPolicy,
  redactUrl,
  ShowrunnerError,
  type Step,
} from '@showrunner/core';
import type { Page, Request } from 'playwright-core';
import { PLUGIN_NAME } from './options.js';
import { isGone, sleep } from './util.js';

/** How long a page brought back must stay put before the recorder trusts it not to leave again. */
const SETTLE_BACK_MS = 250;
/** Allowed URLs remembered for {@link NavigationWatch.restore}, newest last. */
const HISTORY = 5;

/** A URL as messages show it: query values and fragment hidden, other schemes by their name only. */
export function shownUrl(url: string): string {
  if (isWebUrl(url)) return redactUrl(url);
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
  return scheme ? `${scheme}…` : JSON.stringify(url.slice(0, 40));
}

function describePolicy(policy: NavigationPolicy): string {
  return typeof policy === 'string' ? policy : `origins ${policy.origins.join(', ')}`;
}

/**
 * Why a run may not open `url` (checked against the start page's site), or undefined when it may.
 * Shared by the checks before a `goto` and the watch on the page's own navigations.
 */
export function navigationRefusal(policy: RunPolicy, start: string, url: string): string | undefined {
  if (!isWebUrl(url)) return `uses ${shownUrl(url)}, not http: or https:`;
  if (!navigationAllowed(policy.navigation, start, url)) {
    return `is outside the sites this run may open (navigation: ${describePolicy(policy.navigation)})`;
  }
  return undefined;
}

/**
 * Check the URL of a `goto` step (or the start page, `index` undefined) before the browser goes
 * there: http(s) only, no credentials, within the length limit, and allowed by the navigation
 * policy. Throws SR_URL_REFUSED naming the step and field. Called by the recorder for every goto
 * of the demo before a browser starts, for replacement steps, and again right before navigating.
 */
export function checkTarget(policy: RunPolicy, start: string, url: string, where?: { step: Step; index: number }): void {
  const field = where ? `steps.${where.index}.value` : 'url';
  const scope = {
    stage: 'record' as const,
    plugin: PLUGIN_NAME,
    field,
    ...(where && { step: { index: where.index, id: where.step.id } }),
  };
  const prefix = where ? `Step ${where.index + 1} ("${where.step.id}"): ` : 'The start page: ';
  try {
    policy.checkUrl(url, field);
  } catch (err) {
    if (!(err instanceof ShowrunnerError)) throw err;
    // Core quotes the URL as given: show it redacted (no user name, password or query values).
    const message = err.message.split(JSON.stringify(url.slice(0, 200))).join(JSON.stringify(shownUrl(url)));
    throw new ShowrunnerError(err.code, prefix + message, { ...scope, hint: err.hint });
  }
  const why = where ? navigationRefusal(policy, start, url) : undefined;
  if (why) {
    throw new ShowrunnerError('SR_URL_REFUSED', `${prefix}${shownUrl(url)} ${why}.`, {
      ...scope,
      hint: 'Keep the demo on the start page’s site, or set `navigation` in the config to allow that site.',
    });
  }
}

/**
 * Watches every main-frame navigation of the recorded page: links, scripts (`location = …`), form
 * posts, meta refreshes and each hop of a server redirect (navigation requests), plus commits that
 * make no request (`about:blank`). One that breaks the scheme rule or the navigation policy is
 * reported once to the listeners (the step runner fails the current step) and kept as `pending`
 * until {@link restore} brings the page back to the last allowed URL. Under a navigation policy
 * other than `allow`, the first request of a refused navigation is also aborted before it is sent
 * ({@link block}); redirect hops are only seen once Chromium follows them. Created once per
 * session; Playwright calls the listeners on its event loop.
 */
export class NavigationWatch {
  /** Allowed main-frame URLs the page was on, newest last (the restore candidates). */
  private readonly allowed: string[];
  private violation?: ShowrunnerError;
  private readonly listeners = new Set<(error: ShowrunnerError) => void>();
  /** Above 0 while the recorder navigates back itself: what happens then is only noted. */
  private restoring = 0;
  private leftWhileRestoring = false;
  /** The recorder parked the page on about:blank itself. */
  private parked = false;
  /** Navigation requests already checked (the request event comes first, then the route). */
  private readonly seen = new WeakSet<Request>();
  private readonly errors = new WeakSet<ShowrunnerError>();

  private readonly page: Page;
  private readonly policy: RunPolicy;
  private readonly start: string;

  constructor(page: Page, policy: RunPolicy, start: string) {
    this.page = page;
    this.policy = policy;
    this.start = start;
    this.allowed = [start];
    page.on('request', (request) => {
      if (!request.isNavigationRequest()) return;
      let main = false;
      try {
        main = request.frame() === page.mainFrame();
      } catch {
        return; // a service worker's request has no frame
      }
      if (!main) return;
      this.seen.add(request);
      const from = request.redirectedFrom()?.url();
      // Under blocking, only a redirect hop can still take the page away (the route aborts the rest).
      this.check(request.url(), from, from !== undefined || this.policy.navigation === 'allow');
    });
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      const url = frame.url();
      // Chromium's own page for a load that failed: the failure is the step's error, not a navigation.
      if (url.startsWith('chrome-error:') || (this.parked && url === 'about:blank')) return;
      if (navigationRefusal(policy, start, url) === undefined) {
        if (this.allowed.at(-1) !== url) this.allowed.push(url);
        if (this.allowed.length > HISTORY) this.allowed.shift();
        this.parked = false;
      } else this.check(url, undefined, true);
    });
  }

  /**
   * Abort refused navigations before their request leaves the browser (a form posting data to
   * another site sends nothing). Only when the policy restricts
   * sites: routing turns off the HTTP cache, which trusted runs with `navigation: 'allow'` keep.
   */
  async block(): Promise<void> {
    if (this.policy.navigation === 'allow') return;
    await this.page.context().route('**/*', (route) => {
      const request = route.request();
      let main = false;
      try {
        main = request.isNavigationRequest() && request.frame() === this.page.mainFrame();
      } catch {
        // No frame yet: a popup's first load (Playwright reports the popup only once it ran, and
        // the popup is closed then), or a service worker's request (blocked anyway).
      }
      if (!main || navigationRefusal(this.policy, this.start, request.url()) === undefined) return route.fallback();
      if (!this.seen.has(request)) {
        this.seen.add(request);
        this.check(request.url(), undefined, false);
      }
      // `aborted` cancels the navigation without an error page: the current document stays.
      return route.abort('aborted');
    });
  }

  /** The refused navigation not yet undone, if any. */
  get pending(): ShowrunnerError | undefined {
    return this.violation;
  }

  /** True for an error this watch raised: the step runner restores the page before asking `decide`. */
  raised(error: ShowrunnerError): boolean {
    return this.errors.has(error);
  }

  /** Call `listener` with each refused navigation; returns the unsubscribe function. */
  onViolation(listener: (error: ShowrunnerError) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Bring the page back to the last allowed URL that stays put (a page that meta-refreshes away
   * at once is passed over for the one before it) and clear the pending violation. When none does,
   * the page is parked on `about:blank`, so nothing refused stays on screen while a person decides.
   * Throws only when the page is gone.
   */
  async restore(timeoutMs: number): Promise<void> {
    this.restoring++;
    this.violation = undefined;
    try {
      for (const url of [...this.allowed].reverse()) {
        // Twice each: the refused navigation may still be in flight (a redirect being followed) and
        // commit over the first attempt; only a page that leaves again by itself is passed over.
        for (let attempt = 0; attempt < 2; attempt++) {
          this.leftWhileRestoring = false;
          await this.page.goto(url, { waitUntil: 'load', timeout: timeoutMs }).catch(rethrowGone);
          await sleep(SETTLE_BACK_MS);
          if (!this.leftWhileRestoring && navigationRefusal(this.policy, this.start, this.page.url()) === undefined) return;
        }
      }
      this.parked = true;
      await this.page.goto('about:blank', { timeout: timeoutMs }).catch(rethrowGone);
    } finally {
      this.restoring--;
    }
  }

  /** Report a refused navigation; `moves` says whether it takes the page away (not aborted before sending). */
  private check(url: string, from: string | undefined, moves: boolean): void {
    const why = navigationRefusal(this.policy, this.start, url);
    if (!why) return;
    if (this.restoring) {
      if (moves) this.leftWhileRestoring = true;
      return;
    }
    if (this.violation) return;
    const via = from ? ` (a redirect from ${shownUrl(from)})` : '';
    this.raise(
      new ShowrunnerError('SR_URL_REFUSED', `The page tried to go to ${shownUrl(url)}${via}, which ${why}.`, {
        stage: 'record',
        plugin: PLUGIN_NAME,
        field: 'navigation',
        hint:
          'The page navigated by itself (a link, script, form, meta refresh or redirect); it was brought back. ' +
          'Skip or replace the step, or set `navigation` in the config to allow that site.',
      }),
    );
  }

  private raise(error: ShowrunnerError): void {
    this.violation = error;
    this.errors.add(error);
    for (const listener of this.listeners) listener(error);
  }
}

function rethrowGone(err: unknown): void {
  if (isGone(err)) throw err;
}
