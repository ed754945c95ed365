import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ShowrunnerError } from '@showrunner/core';
import { launchBrowser } from '@showrunner/plugin-playwright';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Capture is internal to the recorder; the built module is used as the recorder uses it.
import { Capture, type CaptureOptions } from '../dist/capture.js';
import { Clock } from '../dist/clock.js';
import { tempDir } from './helpers.js';
import { hostileServer } from './hostile-pages.js';

const VIEW = { width: 800, height: 450 };

let server: Awaited<ReturnType<typeof hostileServer>>;
let browser: Browser;
beforeAll(async () => {
  server = await hostileServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(route: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEW });
  const page = await context.newPage();
  await page.goto(server.url + route);
  return { context, page };
}

async function capture(page: Page, context: BrowserContext, extra: Partial<CaptureOptions> = {}) {
  const dir = await tempDir();
  const options: CaptureOptions = { dir, runDir: dir, quality: 90, ...VIEW, ...extra };
  const started = await Capture.start(context, page, options, async () => {});
  // What Chromium sent, as sent: the capture's own session also carries it to this listener.
  const received: { wall: number; jpeg: Buffer }[] = [];
  (started as unknown as { cdp: CDPSession }).cdp.on('Page.screencastFrame', (event) => {
    received.push({ wall: (event.metadata.timestamp ?? 0) * 1000, jpeg: Buffer.from(event.data, 'base64') });
  });
  return { capture: started, dir, received };
}

/** Stop after `ms` and pair each written frame with the JPEG Chromium sent for it. */
async function record(c: Capture, dir: string, received: { wall: number; jpeg: Buffer }[], ms: number) {
  await new Promise((resolve) => setTimeout(resolve, ms));
  const clock = new Clock();
  clock.start(c.origin);
  const frames = await c.stop(clock, clock.now());
  return frames.flatMap((f) => {
    const sent = received.find((r) => Math.abs(r.wall - (clock.startedAt + f.t)) < 0.01);
    return sent ? [{ written: readFileSync(path.join(dir, f.path)), sent: sent.jpeg }] : [];
  });
}

/** PSNR in dB between two RGB buffers over the pixels `keep` says to compare. */
function psnr(a: Buffer, b: Buffer, width: number, keep: (x: number, y: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 3) {
    const p = i / 3;
    if (!keep(p % width, Math.floor(p / width))) continue;
    for (let c = 0; c < 3; c++) sum += (a[i + c]! - b[i + c]!) ** 2;
    n += 3;
  }
  return 10 * Math.log10((255 * 255) / (sum / n));
}

/** Decoded RGB of a JPEG. */
const rgb = async (jpeg: Buffer) => (await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true })).data;

describe('capture', () => {
  it('stops at the captured-bytes cap with SR_LIMIT_EXCEEDED naming the limit; the frames so far stay on disk', async () => {
    const { context, page } = await open('animated');
    let fatal: ShowrunnerError | undefined;
    const cap = 400_000;
    const { capture: c, dir } = await capture(page, context, { capturedBytes: cap, onFatal: (e) => (fatal = e) });
    await expect.poll(() => fatal, { timeout: 20_000, interval: 100 }).toBeDefined();
    const error = await c.stop(new Clock(), Number.POSITIVE_INFINITY).catch((e: ShowrunnerError) => e);
    expect(error).toBe(fatal);
    expect(error).toMatchObject({ code: 'SR_LIMIT_EXCEEDED', field: 'capturedBytes', stage: 'record' });
    expect((error as Error).message).toContain(`capturedBytes = ${cap}`);
    const files = readdirSync(dir);
    const bytes = files.reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
    expect(files.length).toBeGreaterThan(2);
    expect(bytes).toBeLessThanOrEqual(cap);
    expect(bytes).toBe(c.stats.bytes);
    await context.close();
  }, 40_000);

  it('writes frames without sensitive boxes exactly as Chromium sent them', async () => {
    const { context, page } = await open('animated');
    const { capture: c, dir, received } = await capture(page, context);
    const pairs = await record(c, dir, received, 1_000);
    expect(c.stats.blurred).toBe(0);
    expect(pairs.length).toBeGreaterThan(5);
    for (const { written, sent } of pairs) expect(written.equals(sent)).toBe(true);
    await context.close();
  });

  it('re-encodes frames with a sensitive box at the same quality: elsewhere PSNR ≥ 41 dB against what Chromium sent', async () => {
    const { context, page } = await open('frame'); // a password field at (120, 220) 420×64, a spinner
    const { capture: c, dir, received } = await capture(page, context);
    const pairs = await record(c, dir, received, 1_000);
    expect(c.stats.blurred).toBe(c.stats.received);
    expect(pairs.length).toBeGreaterThan(5);
    // Away from the blurred box (its margin, and the 16 px JPEG blocks around it).
    const away = (x: number, y: number) => x < 120 - 40 || x >= 540 + 40 || y < 220 - 40 || y >= 284 + 40;
    const inside = (x: number, y: number) => x >= 130 && x < 530 && y >= 230 && y < 274;
    for (const { written, sent } of pairs) {
      const [a, b] = [await rgb(written), await rgb(sent)];
      expect(psnr(a, b, VIEW.width, away)).toBeGreaterThanOrEqual(41);
      expect(psnr(a, b, VIEW.width, inside)).toBeLessThan(25); // and the box itself did change
    }
    await context.close();
  });
});
