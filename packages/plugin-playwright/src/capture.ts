import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Frame } from '@showrunner/core';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { Clock } from './clock.js';
import { sleep } from './util.js';

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
}

interface RawFrame {
  file: string;
  /** Compositor swap time, epoch ms (the clock `Date.now()` uses). */
  wall: number;
}

interface ScreencastFrameEvent {
  data: string;
  sessionId: number;
  metadata: { timestamp?: number };
}

/**
 * Captures the page with CDP `Page.startScreencast`: Chromium sends a JPEG whenever the screen
 * changes, stamped with the wall-clock time of the swap. Playwright's own video recorder needs an
 * ffmpeg it downloads from its CDN, so the recorder keeps the frames itself and merge encodes them
 * once. Frames arrive out of order, so `stop` sorts them by timestamp. One capture per page;
 * created and stopped by the recorder, frames written as they arrive.
 */
export class Capture {
  private readonly frames: RawFrame[] = [];
  private readonly writes = new Set<Promise<void>>();
  private firstFrame?: () => void;
  private stopped = false;

  private readonly cdp: CDPSession;
  private readonly options: CaptureOptions;

  private constructor(cdp: CDPSession, options: CaptureOptions) {
    this.cdp = cdp;
    this.options = options;
  }

  /**
   * Start capturing and wait for the first frame, whose time becomes t = 0. `nudge` repaints the
   * page when Chromium has nothing new to send (a static page sends one frame, then waits for damage).
   */
  static async start(context: BrowserContext, page: Page, options: CaptureOptions, nudge: () => Promise<void>): Promise<Capture> {
    await mkdir(options.dir, { recursive: true });
    const cdp = await context.newCDPSession(page);
    const capture = new Capture(cdp, options);
    const first = new Promise<void>((resolve) => {
      capture.firstFrame = resolve;
    });
    cdp.on('Page.screencastFrame', (event) => capture.onFrame(event as ScreencastFrameEvent));
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

  private onFrame(event: ScreencastFrameEvent): void {
    // Ack first: Chromium sends the next frame only after the ack, so writing must not hold it up.
    this.cdp.send('Page.screencastFrameAck', { sessionId: event.sessionId }).catch(() => {});
    if (this.stopped) return;
    const wall = event.metadata.timestamp ? event.metadata.timestamp * 1000 : Date.now();
    const file = path.join(this.options.dir, `${String(this.frames.length + 1).padStart(6, '0')}.jpg`);
    this.frames.push({ file, wall });
    const write = writeFile(file, Buffer.from(event.data, 'base64')).finally(() => this.writes.delete(write));
    this.writes.add(write);
    this.firstFrame?.();
    this.firstFrame = undefined;
  }

  /**
   * Stop and list the frames of the recording: sorted by timestamp, on the recording clock, without
   * the spans the clock skipped (failed attempts) and nothing after `durationMs`. Files of dropped
   * frames are deleted. Tolerates a browser that already went away.
   */
  async stop(clock: Clock, durationMs: number): Promise<Frame[]> {
    await this.cdp.send('Page.stopScreencast').catch(() => {});
    this.stopped = true;
    await Promise.allSettled([...this.writes]);
    await this.cdp.detach().catch(() => {});

    const sorted = [...this.frames].sort((a, b) => a.wall - b.wall);
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
