import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Frame, ShowrunnerError } from '@showrunner/core';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { FrameGeometry } from './blur.js';
import type { Verdict } from './box-timeline.js';
import type { Clock } from './clock.js';
import { type CaptureStats, FrameWriter } from './frame-writer.js';
import { SensitiveBoxes } from './sensitive-boxes.js';
import { sleep } from './util.js';

export type { CaptureStats } from './frame-writer.js';

/** How long after a frame's swap time it may still arrive (out of order, or from a busy browser). */
const REORDER_MS = 250;

/** How to capture. */
export interface CaptureOptions {
  /** Folder the JPEG frames go to (absolute). */
  dir: string;
  /** Run folder, for the run-relative paths in the recording. */
  runDir: string;
  /** JPEG quality, 1–100. */
  quality: number;
  /** Frame size in device pixels (viewport × deviceScaleFactor). */
  width: number;
  height: number;
  /** Blur of sensitive boxes in the frames, CSS px (the recorder's `blurPx`). Default 10. */
  blurPx?: number;
  /** Most bytes of frames one recording writes. Default `LIMITS.capturedBytes`; tests set a small one. */
  capturedBytes?: number;
  /**
   * Called once when capture cannot go on (over `capturedBytes`, disk errors), so the recorder can
   * fail the recording at once; `stop` throws the same error.
   */
  onFatal?: (error: ShowrunnerError) => void;
}

interface RawFrame {
  file: string;
  /** Compositor swap time, epoch ms (the clock `Date.now()` uses). */
  wall: number;
  written: boolean;
}

/** A frame waiting until the boxes around its time are known. */
interface Held {
  frame: RawFrame;
  data: string;
  geom: FrameGeometry;
  /** When it arrived (epoch ms). */
  arrived: number;
}

interface ScreencastFrameEvent {
  data: string;
  sessionId: number;
  metadata: { timestamp?: number; deviceWidth?: number; deviceHeight?: number; offsetTop?: number };
}

/**
 * Captures the page with CDP `Page.startScreencast`: Chromium sends a JPEG whenever the screen
 * changes, stamped with the wall-clock time of the swap. Playwright's own video recorder needs an
 * ffmpeg it downloads from its CDN, so the recorder keeps the frames itself and merge encodes them
 * once. Frames arrive out of order, so `stop` sorts them by timestamp. One capture per page;
 * created and stopped by the recorder.
 *
 * Sensitive fields: each frame is held until the page's tracker (sensitive-boxes.ts) has reported
 * past its timestamp, then the boxes on screen around that time are blurred into the JPEG before it
 * is written, so no frame file holds their clear pixels. Frames without boxes are written as received.
 */
export class Capture {
  private readonly frames: RawFrame[] = [];
  private readonly held: Held[] = [];
  private readonly writes = new Set<Promise<void>>();
  private readonly writer: FrameWriter;
  private firstFrame?: () => void;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private pruned = 0;
  private boxes?: SensitiveBoxes;

  private readonly cdp: CDPSession;
  private readonly options: CaptureOptions;

  private constructor(cdp: CDPSession, options: CaptureOptions) {
    this.cdp = cdp;
    this.options = options;
    this.writer = new FrameWriter({
      quality: options.quality,
      blurPx: options.blurPx ?? 10,
      capturedBytes: options.capturedBytes,
      onFatal: (error) => {
        this.held.length = 0; // stop writing: what is held is dropped
        options.onFatal?.(error);
      },
    });
  }

  /**
   * Start tracking sensitive fields, then capturing, and wait for the first frame, whose time
   * becomes t = 0. `nudge` repaints the page when Chromium has nothing new to send (a static page
   * sends one frame, then waits for damage).
   */
  static async start(context: BrowserContext, page: Page, options: CaptureOptions, nudge: () => Promise<void>): Promise<Capture> {
    await mkdir(options.dir, { recursive: true });
    const cdp = await context.newCDPSession(page);
    const capture = new Capture(cdp, options);
    capture.boxes = await SensitiveBoxes.install(cdp, page, () => capture.pump());
    const first = new Promise<void>((resolve) => {
      capture.firstFrame = resolve;
    });
    cdp.on('Page.screencastFrame', (event) => capture.onFrame(event as ScreencastFrameEvent));
    // The page closed (cancel, crash): the recording fails, so nothing held is written after it.
    page.once('close', () => {
      capture.stopped = true;
      capture.held.length = 0;
    });
    // maxFramesInFlight lets Chromium send the next frame before the previous ack arrives (as Playwright does).
    const params = {
      format: 'jpeg',
      quality: options.quality,
      maxWidth: options.width,
      maxHeight: options.height,
      maxFramesInFlight: 5,
    };
    await cdp.send('Page.startScreencast', params as { format: 'jpeg' });
    for (let i = 0; i < 3; i++) {
      const arrived = await Promise.race([first.then(() => true), sleep(1000).then(() => false)]);
      if (arrived) break;
      await nudge();
    }
    return capture;
  }

  /** Wall-clock time of the earliest frame so far (t = 0 of the recording), or now. */
  get origin(): number {
    return this.frames.reduce((min, f) => Math.min(min, f.wall), Number.POSITIVE_INFINITY) || Date.now();
  }

  get count(): number {
    return this.frames.length;
  }

  get stats(): CaptureStats {
    return { ...this.writer.stats };
  }

  private onFrame(event: ScreencastFrameEvent): void {
    // Ack first: Chromium sends the next frame only after the ack, so writing must not hold it up.
    this.cdp.send('Page.screencastFrameAck', { sessionId: event.sessionId }).catch(() => {});
    if (this.stopped || this.writer.error) return;
    this.writer.stats.received++;
    const meta = event.metadata;
    const wall = meta.timestamp ? meta.timestamp * 1000 : Date.now();
    const file = path.join(this.options.dir, `${String(this.frames.length + 1).padStart(6, '0')}.jpg`);
    const frame: RawFrame = { file, wall, written: false };
    this.frames.push(frame);
    const geom = {
      cssWidth: meta.deviceWidth || this.options.width,
      cssHeight: meta.deviceHeight || this.options.height,
      offsetTop: meta.offsetTop ?? 0,
    };
    this.held.push({ frame, data: event.data, geom, arrived: Date.now() });
    this.firstFrame?.();
    this.firstFrame = undefined;
    this.pump();
  }

  /** Write every held frame whose boxes are known; come back later for the rest. */
  private pump(): void {
    const timeline = this.boxes?.timeline;
    const now = Date.now();
    for (let i = 0; i < this.held.length; ) {
      const held = this.held[i]!;
      const verdict: Verdict = timeline
        ? timeline.verdict(held.frame.wall, now - held.arrived)
        : { ready: true, boxes: [], all: false };
      if (!verdict.ready) {
        i++;
        continue;
      }
      this.held.splice(i, 1);
      this.track(this.write(held, verdict));
    }
    if (now - this.pruned > 1_000) {
      timeline?.prune(now);
      this.pruned = now;
    }
    if (this.held.length && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, 50);
    }
  }

  private track(write: Promise<void>): void {
    const tracked = write.finally(() => this.writes.delete(tracked));
    this.writes.add(tracked);
  }

  private async write(held: Held, verdict: Verdict & { ready: true }): Promise<void> {
    held.frame.written = await this.writer.write(held.frame.file, held.data, held.geom, verdict);
  }

  /**
   * Resolves once every frame Chromium swapped by `wall` (epoch ms) is on disk: the reorder window has
   * passed (screencast frames arrive out of order, by tens of ms), none of them is still held for its
   * sensitive boxes, and their writes finished. For the recorded parts handed out while recording.
   */
  async settled(wall: number): Promise<void> {
    while (!this.stopped && (Date.now() < wall + REORDER_MS || this.held.some((h) => h.frame.wall <= wall))) await sleep(25);
    await Promise.allSettled([...this.writes]);
  }

  /**
   * The written frames with recording time in (fromMs, untilMs], by the same rule as `stop` (the latest
   * frame at or before t = 0 becomes t = 0, when fromMs < 0). A subset of what `stop` will list.
   */
  framesBetween(clock: Clock, fromMs: number, untilMs: number): Frame[] {
    const sorted = this.frames.filter((f) => f.written).sort((a, b) => a.wall - b.wall);
    const out: Frame[] = [];
    let lead: RawFrame | undefined;
    for (const frame of sorted) {
      const t = clock.at(frame.wall);
      if (t === undefined) continue;
      if (t <= 0) lead = frame;
      else if (t > fromMs && t <= untilMs) out.push({ path: this.relative(frame.file), t: Math.round(t * 1000) / 1000 });
    }
    if (lead && fromMs < 0) out.unshift({ path: this.relative(lead.file), t: 0 });
    return out;
  }

  /**
   * Stop and list the frames of the recording: sorted by timestamp, on the recording clock, without
   * the spans the clock skipped (failed attempts) and nothing after `durationMs`. Files of dropped
   * frames are deleted. Tolerates a browser that already went away. Throws the error that stopped
   * capture early (the frames written until then stay on disk).
   */
  async stop(clock: Clock, durationMs: number): Promise<Frame[]> {
    await this.cdp.send('Page.stopScreencast').catch(() => {});
    this.stopped = true;
    // Held frames wait for the tracker's next reports; the timeline gives up on a silent page by itself.
    while (this.held.length) {
      this.pump();
      if (this.held.length) await sleep(20);
    }
    clearTimeout(this.timer);
    await Promise.allSettled([...this.writes]);
    await this.boxes?.close();
    await this.cdp.detach().catch(() => {});
    if (this.writer.error) throw this.writer.error;

    const sorted = this.frames.filter((f) => f.written).sort((a, b) => a.wall - b.wall);
    const kept: Frame[] = [];
    const dropped: string[] = [];
    let lead: RawFrame | undefined; // latest frame at or before t = 0
    for (const frame of sorted) {
      const t = clock.at(frame.wall);
      if (t === undefined || t > durationMs) dropped.push(frame.file);
      else if (t <= 0) {
        if (lead) dropped.push(lead.file);
        lead = frame;
      } else kept.push({ path: this.relative(frame.file), t: Math.round(t * 1000) / 1000 });
    }
    if (lead) kept.unshift({ path: this.relative(lead.file), t: 0 });
    await Promise.all(dropped.map((file) => rm(file, { force: true })));
    return kept;
  }

  private relative(file: string): string {
    return path.relative(this.options.runDir, file).split(path.sep).join('/');
  }
}
