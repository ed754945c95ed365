import { type Logger, type RunPolicy, ShowrunnerError } from '@showrunner/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { answerDialogs, DIALOG_CALLS_PER_DOCUMENT, quietDialogs } from './dialogs.js';
import { NavigationWatch } from './navigation.js';
import type { ResolvedOptions } from './options.js';
import { Overlay } from './overlay.js';
import { overlayMain } from './overlay-page.js';
import { handlePopups, limitWindowOpen } from './popups.js';
import { NetworkTracker } from './settle.js';

/** What a session needs from the run besides the plugin's options. */
export interface SessionRun {
  viewport: { width: number; height: number };
  /** The run's guards (`ctx.policy`): network guard, trust, navigation and popup policies. */
  policy: RunPolicy;
  /** The demo's start URL, already checked: the base of the navigation policy. */
  start: string;
  log: Logger;
}

/**
 * One fresh browser for one recording attempt: context with the demo's viewport and scale, no
 * downloads and no service workers, dialogs answered, popups closed or followed, one page with the
 * overlay in every document, request tracking, a watch on its navigations and crash detection. A
 * resumed run opens a new Session and replays every step. Created and closed by the recorder.
 */
export class Session {
  /** Rejects with SR_BROWSER_CRASHED when the page crashes or the browser goes away. */
  readonly lost: Promise<never>;
  private lostError?: ShowrunnerError;
  private readonly rejectLost: (err: ShowrunnerError) => void;
  private closing?: Promise<void>;

  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly overlay: Overlay;
  readonly network: NetworkTracker;
  readonly watch: NavigationWatch;
  /** How many popups were closed so far. */
  readonly popupsClosed: () => number;
  /** How many native dialogs (beforeunload) were answered so far, by type. */
  readonly dialogsAnswered: () => Record<string, number>;

  private constructor(
    browser: Browser,
    context: BrowserContext,
    page: Page,
    overlay: Overlay,
    options: ResolvedOptions,
    run: SessionRun,
  ) {
    this.browser = browser;
    this.context = context;
    this.page = page;
    this.overlay = overlay;
    this.network = new NetworkTracker(page);
    this.watch = new NavigationWatch(page, run.policy, run.start);
    this.popupsClosed = handlePopups({
      context,
      page,
      policy: run.policy,
      start: run.start,
      network: this.network,
      log: run.log,
      navigationTimeoutMs: options.navigationTimeoutMs,
    }).closed;
    this.dialogsAnswered = answerDialogs(context);
    let reject!: (err: ShowrunnerError) => void;
    this.lost = new Promise<never>((_, r) => {
      reject = r;
    });
    this.rejectLost = reject;
    this.lost.catch(() => {});
    const fail = (what: string) => {
      if (this.closing || this.lostError) return;
      this.lostError = new ShowrunnerError('SR_BROWSER_CRASHED', `Chromium ${what} during the recording.`, {
        stage: 'record',
        hint: 'The run folder is kept: resume it to record again from the first step with a fresh browser.',
      });
      this.rejectLost(this.lostError);
    };
    page.on('crash', () => fail('crashed (the page process died)'));
    page.on('close', () => fail('closed the page'));
    browser.on('disconnected', () => fail('disconnected'));
    // Every new document starts without the cursor: put it back as soon as the page has loaded.
    page.on('load', () => void overlay.restore());
  }

  /** The crash, disconnect or termination that ended this session, if any. */
  get crash(): ShowrunnerError | undefined {
    return this.lostError;
  }

  /** Launch Chromium and prepare the page. Throws SR_BROWSER_NOT_FOUND when no browser starts. */
  static async open(options: ResolvedOptions, run: SessionRun): Promise<Session> {
    const dsf = options.deviceScaleFactor;
    // Headless screencasts come in CSS pixels unless the whole browser renders at the scale factor.
    const browser = await launchBrowser({
      executablePath: options.executablePath,
      headless: options.headless,
      extraArgs: dsf === 1 ? [] : [`--force-device-scale-factor=${dsf}`],
      network: run.policy.network,
      trusted: run.policy.trusted,
    });
    try {
      const context = await browser.newContext({
        viewport: run.viewport,
        deviceScaleFactor: dsf,
        acceptDownloads: false,
        serviceWorkers: 'block',
      });
      await context.addInitScript(overlayMain, { blurPx: options.blurPx });
      await context.addInitScript(quietDialogs, DIALOG_CALLS_PER_DOCUMENT);
      await context.addInitScript(limitWindowOpen, run.policy.popups === 'follow' ? 1 : 0);
      const page = await context.newPage();
      page.setDefaultTimeout(options.actionTimeoutMs);
      page.setDefaultNavigationTimeout(options.navigationTimeoutMs);
      const overlay = new Overlay(page, options);
      const session = new Session(browser, context, page, overlay, options, run);
      await session.watch.block();
      return session;
    } catch (err) {
      await browser.close().catch(() => {});
      throw err;
    }
  }

  /**
   * End this session from outside the recording (the plugin's `release(runId)` or `close()`): the
   * recording stops with SR_ABORTED at its next wait, and the browser is closed.
   */
  terminate(): Promise<void> {
    if (!this.closing && !this.lostError) {
      this.lostError = new ShowrunnerError(
        'SR_ABORTED',
        'The recording was stopped: its run was released or the host shut down.',
        {
          stage: 'record',
        },
      );
      this.rejectLost(this.lostError);
    }
    return this.close();
  }

  /** Close the browser and wait for it to exit; safe to call twice (both wait) and after a crash. */
  close(): Promise<void> {
    this.closing ??= this.browser.close().catch(() => {});
    return this.closing;
  }
}
