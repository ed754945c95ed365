import type { Locator, Page } from 'playwright-core';
import { type OverlayApi, type OverlayBox, type OverlayConfig, overlayMain, SENSITIVE_ATTR } from './overlay-page.js';
import { SensitiveBoxes } from './sensitive-boxes.js';

export { type OverlayBox, type OverlayConfig, SENSITIVE_ATTR } from './overlay-page.js';

/** Settings of the drawn polish. */
export interface OverlayOptions extends OverlayConfig {
  /** Draw the cursor and click rings. */
  cursor: boolean;
  /** Frame the target while its step runs. */
  highlight: boolean;
  /** Shortest and longest cursor glide in ms (scaled by distance in between). */
  cursorMinMs: number;
  cursorMaxMs: number;
}

type Call = { [K in keyof OverlayApi]: { name: K; args: Parameters<OverlayApi[K]> } }[keyof OverlayApi];

/**
 * Install the overlay (cursor, click ring, highlight, blur of password and sensitive fields) in a
 * page: for every future document, and for the one already loaded. Exported so scripts outside
 * the recorder can draw the same polish; the recorder registers the same script on its context.
 */
export async function installOverlay(page: Page, config: OverlayConfig = { blurPx: 10 }): Promise<void> {
  await page.addInitScript(overlayMain, config);
  await page.evaluate(overlayMain, config).catch(() => {});
}

/**
 * The recorder's handle on the in-page overlay of one page. Called serially by the step runner;
 * every call tolerates a document that is being replaced (navigation), because the polish must
 * never fail a step.
 */
export class Overlay {
  private readonly page: Page;
  private readonly options: OverlayOptions;
  private at: { x: number; y: number };

  constructor(page: Page, options: OverlayOptions) {
    this.page = page;
    this.options = options;
    const size = page.viewportSize() ?? { width: 1280, height: 720 };
    this.at = { x: Math.round(size.width * 0.5), y: Math.round(size.height * 0.62) };
  }

  /** Put the cursor back after a navigation (a new document starts without it) and re-adopt the blur sheet. */
  async restore(): Promise<void> {
    await this.call({ name: 'adopt', args: [] });
    if (this.options.cursor) await this.call({ name: 'place', args: [this.at.x, this.at.y] });
  }

  /** Glide the cursor to a point; the duration grows with the distance. Resolves on arrival. */
  async glide(x: number, y: number): Promise<void> {
    if (!this.options.cursor) return;
    const { cursorMinMs: min, cursorMaxMs: max } = this.options;
    const distance = Math.hypot(x - this.at.x, y - this.at.y);
    const ms = distance < 2 ? 0 : Math.round(Math.min(max, min + distance * 0.6));
    this.at = { x, y };
    await this.call({ name: 'move', args: [x, y, ms] });
  }

  /** Show the click ring at the cursor; resolves as soon as it starts, so the click follows at once. */
  async ring(): Promise<void> {
    if (this.options.cursor) await this.call({ name: 'ring', args: [this.at.x, this.at.y] });
  }

  async highlight(box: OverlayBox | null): Promise<void> {
    if (this.options.highlight) await this.call({ name: 'highlight', args: [box] });
  }

  /** Force a repaint so the screencast delivers a frame of the current state. */
  async nudge(): Promise<void> {
    await this.call({ name: 'nudge', args: [] });
  }

  /**
   * Blur these elements in every later frame, whatever the page does to them: while the page is
   * captured, the recorder tracks their boxes and blurs the frames itself (sensitive-boxes.ts); the
   * attribute's CSS blur is the first layer. Resolves once they are tracked.
   */
  static async markSensitive(locator: Locator): Promise<void> {
    const tracker = SensitiveBoxes.for(locator.page());
    if (tracker) return tracker.mark(locator);
    await locator.evaluateAll((els, attr) => {
      for (const el of els) el.setAttribute(attr, '');
    }, SENSITIVE_ATTR);
  }

  private async call(call: Call): Promise<void> {
    const run = () =>
      this.page.evaluate(async (call) => {
        const api = (window as unknown as Record<symbol, Record<string, (...args: unknown[]) => unknown> | undefined>)[
          Symbol.for('showrunner.overlay')
        ];
        if (!api) return false;
        await api[call.name]?.(...call.args);
        return true;
      }, call);
    try {
      // A document created before the init script was registered (or by document.open) has no overlay yet.
      if (!(await run())) {
        await this.page.evaluate(overlayMain, { blurPx: this.options.blurPx });
        await run();
      }
    } catch {
      // The document went away mid-call (navigation): the next restore() draws the cursor again.
    }
  }
}
