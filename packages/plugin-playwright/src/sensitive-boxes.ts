import { randomBytes } from 'node:crypto';
import { ShowrunnerError } from '@showrunner/core';
import type { CDPSession, ElementHandle, Locator, Page } from 'playwright-core';
import { BoxTimeline, type TrackerReport } from './box-timeline.js';
import { SENSITIVE_ATTR } from './overlay-page.js';
import { type TrackerConfig, trackerMain } from './sensitive-page.js';
import { sleep } from './util.js';

/** Name of the isolated world the tracker runs in (one per document, invisible to the page). */
const WORLD = '__showrunner_sensitive';
/** How long a hand-over may take before the recorder polls the element itself. */
const ACK_MS = 400;
/** Poll interval for elements the tracker could not take (cross-site frames, a page that blocks the hand-over). */
const POLL_MS = 40;

interface FrameTree {
  frame: { id: string };
  childFrames?: FrameTree[];
}

/**
 * Where the sensitive elements of one page are, over time. Installs the tracker (sensitive-page.ts)
 * in an isolated world of every document through Capture's CDP session, and feeds its reports into
 * a {@link BoxTimeline}. Elements the recorder marks are handed to the tracker, which confirms each
 * one; an element it does not confirm (a page that patched `dispatchEvent`, a field in a cross-site
 * frame) is polled from here with `ElementHandle.boundingBox`, which the page cannot intercept.
 * Created and closed by Capture; `mark` is called by `Overlay.markSensitive`, serially.
 */
export class SensitiveBoxes {
  private static readonly byPage = new WeakMap<Page, SensitiveBoxes>();

  /** The tracker of a page that is being captured, if any. */
  static for(page: Page): SensitiveBoxes | undefined {
    return SensitiveBoxes.byPage.get(page);
  }

  readonly timeline = new BoxTimeline();
  private readonly page: Page;
  private readonly onReport: () => void;
  private readonly config: TrackerConfig;
  private readonly acks = new Map<string, () => void>();
  private readonly polls = new Set<Promise<void>>();
  private marks = 0;
  private closed = false;
  private topSeen?: () => void;

  private constructor(page: Page, onReport: () => void) {
    this.page = page;
    this.onReport = onReport;
    const nonce = randomBytes(8).toString('hex');
    this.config = {
      binding: `__showrunnerBoxes_${nonce}`,
      attr: SENSITIVE_ATTR,
      markEvent: `showrunner-sensitive-${nonce}`,
      maxElements: 256,
    };
  }

  /**
   * Start tracking on a page: documents loaded from now on and the ones already there. Resolves
   * once the top document reported, so no frame is captured before its boxes are known. `onReport`
   * is called after every report (Capture releases the frames it was holding).
   */
  static async install(cdp: CDPSession, page: Page, onReport: () => void): Promise<SensitiveBoxes> {
    const boxes = new SensitiveBoxes(page, onReport);
    const topSeen = new Promise<void>((resolve) => {
      boxes.topSeen = resolve;
    });
    cdp.on('Runtime.bindingCalled', (event) => {
      if (event.name === boxes.config.binding) boxes.receive(event.payload);
    });
    const script = (config: TrackerConfig) => `(${trackerMain.toString()})(${JSON.stringify(config)})`;
    try {
      // Page events make Chromium run the new-document script; Runtime events carry the binding.
      await cdp.send('Page.enable');
      await cdp.send('Runtime.enable');
      await cdp.send('Runtime.addBinding', { name: boxes.config.binding, executionContextName: WORLD });
      await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: script(boxes.config), worldName: WORLD });
      const { frameTree } = (await cdp.send('Page.getFrameTree')) as { frameTree: FrameTree };
      const existing = script({ ...boxes.config, existing: true });
      for (const frameId of frameIds(frameTree)) {
        const world = await cdp.send('Page.createIsolatedWorld', { frameId, worldName: WORLD }).catch(() => undefined);
        if (world) await cdp.send('Runtime.evaluate', { expression: existing, contextId: world.executionContextId });
      }
      const seen = await Promise.race([topSeen.then(() => true), sleep(5_000).then(() => false)]);
      if (!seen) throw new Error('the tracker did not report from the page within 5 s');
    } catch (err) {
      throw new ShowrunnerError('SR_STAGE_FAILED', `Could not start tracking sensitive fields: ${(err as Error).message}`, {
        stage: 'record',
        cause: err,
        hint: 'Frames are only captured with the blur tracker running. Resume the run to try with a fresh browser.',
      });
    }
    SensitiveBoxes.byPage.set(page, boxes);
    return boxes;
  }

  /**
   * Track these elements from now on, whatever the page does to them later. Sets the sensitive
   * attribute (the CSS layer), hands each element to the tracker of its document and waits for the
   * tracker to confirm; polls the ones it does not confirm. Resolves once every element is tracked.
   */
  async mark(locator: Locator): Promise<void> {
    const handles = await locator.elementHandles();
    await Promise.all(handles.map((handle) => this.markOne(handle)));
  }

  /** Stop polling and forget the page. Called by Capture when it stops. */
  async close(): Promise<void> {
    this.closed = true;
    if (SensitiveBoxes.byPage.get(this.page) === this) SensitiveBoxes.byPage.delete(this.page);
    await Promise.allSettled([...this.polls]);
  }

  private async markOne(handle: ElementHandle): Promise<void> {
    const id = String(++this.marks);
    const acked = new Promise<boolean>((resolve) => {
      this.acks.set(id, () => resolve(true));
      setTimeout(() => resolve(false), ACK_MS);
    });
    const { attr, markEvent } = this.config;
    await handle
      .evaluate(
        (el, a) => {
          (el as Element).setAttribute(a.attr, '');
          el.dispatchEvent(new CustomEvent(a.markEvent, { bubbles: true, composed: true, detail: a.id }));
        },
        { attr, markEvent, id },
      )
      .catch(() => {});
    const confirmed = await acked;
    this.acks.delete(id);
    if (confirmed) await handle.dispose().catch(() => {});
    else await this.poll(handle);
  }

  /** Poll an element's box until it goes away or capture stops; resolves after the first sample. */
  private poll(handle: ElementHandle): Promise<void> {
    const d = `poll-${this.marks}-${randomBytes(4).toString('hex')}`;
    let first!: () => void;
    const sampled = new Promise<void>((resolve) => {
      first = resolve;
    });
    const run = async () => {
      while (!this.closed) {
        const sent = Date.now();
        const box = await handle.boundingBox().catch(() => undefined);
        const t = Date.now();
        if (box === undefined) {
          this.timeline.receive({ d, t, gone: true }, true);
          break;
        }
        // Measured somewhere between sending and the reply; the timeline's poll window covers both.
        const b: NonNullable<TrackerReport['b']> = box ? [[1, box.x, box.y, box.width, box.height]] : [];
        this.timeline.receive({ d, t: (sent + t) / 2, b }, true);
        this.onReport();
        first();
        await sleep(POLL_MS);
      }
      first();
      await handle.dispose().catch(() => {});
    };
    const running = run().finally(() => this.polls.delete(running));
    this.polls.add(running);
    return sampled;
  }

  private receive(payload: string): void {
    const report = parseReport(payload);
    if (!report) return;
    this.timeline.receive(report);
    if (report.top) this.topSeen?.();
    if (report.m !== undefined) this.acks.get(report.m)?.();
    this.onReport();
  }
}

function frameIds(tree: FrameTree): string[] {
  return [tree.frame.id, ...(tree.childFrames ?? []).flatMap(frameIds)];
}

/** A tracker report, checked: it comes from our own world, but a malformed one must not throw. */
function parseReport(payload: string): TrackerReport | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const r = value as TrackerReport;
  if (!r || typeof r.d !== 'string' || typeof r.t !== 'number' || !Number.isFinite(r.t)) return undefined;
  if (r.b !== undefined) {
    const ok = Array.isArray(r.b) && r.b.every((x) => Array.isArray(x) && x.length === 5 && x.every(Number.isFinite));
    if (!ok) return undefined;
  }
  return r;
}
