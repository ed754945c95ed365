import { ShowrunnerError } from '@showrunner/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import type { ResolvedOptions } from './options.js';
import { Overlay } from './overlay.js';
import { overlayMain } from './overlay-page.js';
import { NetworkTracker } from './settle.js';

/**
 * One fresh browser for one recording attempt: context with the demo's viewport and scale, one
 * page with the overlay in every document, request tracking and crash detection. A resumed run
 * opens a new Session and replays every step. Created and closed by the recorder.
 */
export class Session {
  /** Rejects with SR_BROWSER_CRASHED when the page crashes or the browser goes away. */
  readonly lost: Promise<never>;
  private lostError?: ShowrunnerError;
  private closing?: Promise<void>;

  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly overlay: Overlay;
  readonly network: NetworkTracker;

  private constructor(browser: Browser, context: BrowserContext, page: Page, overlay: Overlay, network: NetworkTracker) {
    this.browser = browser;
    this.context = context;
    this.page = page;
    this.overlay = overlay;
    this.network = network;
    let reject!: (err: ShowrunnerError) => void;
    this.lost = new Promise<never>((_, r) => {
      reject = r;
    });
    this.lost.catch(() => {});
    const fail = (what: string) => {
      if (this.closing || this.lostError) return;
      this.lostError = new ShowrunnerError('SR_BROWSER_CRASHED', `Chromium ${what} during the recording.`, {
        stage: 'record',
        hint: 'The run folder is kept: resume it to record again from the first step with a fresh browser.',
      });
      reject(this.lostError);
    };
    page.on('crash', () => fail('crashed (the page process died)'));
    page.on('close', () => fail('closed the page'));
    browser.on('disconnected', () => fail('disconnected'));
    // Every new document starts without the cursor: put it back as soon as the page has loaded.
    page.on('load', () => void overlay.restore());
  }

  /** The crash or disconnect that ended this session, if any. */
  get crash(): ShowrunnerError | undefined {
    return this.lostError;
  }

  /** Launch Chromium and prepare the page. Throws SR_BROWSER_NOT_FOUND when no browser starts. */
  static async open(options: ResolvedOptions, viewport: { width: number; height: number }): Promise<Session> {
    const dsf = options.deviceScaleFactor;
    // Headless screencasts come in CSS pixels unless the whole browser renders at the scale factor.
    const browser = await launchBrowser({
      executablePath: options.executablePath,
      headless: options.headless,
      extraArgs: dsf === 1 ? [] : [`--force-device-scale-factor=${dsf}`],
    });
    try {
      const context = await browser.newContext({ viewport, deviceScaleFactor: dsf });
      await context.addInitScript(overlayMain, { blurPx: options.blurPx });
      const page = await context.newPage();
      page.setDefaultTimeout(options.actionTimeoutMs);
      page.setDefaultNavigationTimeout(options.navigationTimeoutMs);
      const overlay = new Overlay(page, options);
      return new Session(browser, context, page, overlay, new NetworkTracker(page));
    } catch (err) {
      await browser.close().catch(() => {});
      throw err;
    }
  }

  /** Close the browser and wait for it to exit; safe to call twice (both wait) and after a crash. */
  close(): Promise<void> {
    this.closing ??= this.browser.close().catch(() => {});
    return this.closing;
  }
}
