// Benchmark of the frame blur (run after a build: `npx tsx bench/blur.ts [seconds]`).
// Captures a 1280×720 page with a spinner (frames keep coming) and someone typing, three ways:
//   1. a password field on screen: tracked, every frame blurred and re-encoded;
//   2. the same field as plain text: tracked, nothing to blur (frames written as received);
//   3. plain CDP screencast, no tracker, frames written as received (the cost before this change).
// Prints the CPU of this process and of Chromium for each, the CPU per blurred frame, and the same
// measured alone (one frame blurred serially, no browser running).
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '@showrunner/plugin-playwright';
import type { Page } from 'playwright-core';
// The built modules: the tracker is serialised into the page, so it must be the compiled function.
import { blurJpeg } from '../dist/blur.js';
import { Capture } from '../dist/capture.js';
import { Clock } from '../dist/clock.js';
import { tempDir } from '../test/helpers.js';

const SECONDS = Number(process.argv[2] ?? 10);
const VIEW = { width: 1280, height: 720 };

const page = (type: string) => `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; font: 18px system-ui, sans-serif; background: #f6f7f9; }
  main { width: 420px; margin: 120px auto; padding: 32px; background: #fff; border-radius: 12px; }
  input { width: 100%; box-sizing: border-box; font: inherit; padding: 10px; margin: 8px 0 20px; }
  @keyframes spin { to { transform: rotate(360deg) } }
  .spin { position: fixed; right: 40px; bottom: 40px; width: 40px; height: 40px; border-radius: 50%;
    border: 5px solid #ccd; border-top-color: #36f; animation: spin 0.8s linear infinite; }
</style></head><body><main><h1>Welcome back</h1>
  <label>Email <input value="ada@example.com"></label>
  <label>Password <input id="secret" type="${type}"></label></main><div class="spin"></div></body></html>`;

/** CPU seconds of this process's Chromium children (bench/sampler.mjs, a separate process). */
function sampler() {
  const script = fileURLToPath(new URL('./sampler.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, String(process.pid)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  return async (): Promise<number> => {
    const done = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.write('stop\n');
    await done;
    return (JSON.parse(out) as { cpuSeconds: number }).cpuSeconds;
  };
}

/** Type into the field again and again until `ms` passed. */
async function typeFor(p: Page, ms: number): Promise<void> {
  const end = Date.now() + ms;
  const field = p.locator('#secret');
  while (Date.now() < end) {
    await field.fill('');
    await field.pressSequentially('Quartz-Zebra-7731!', { delay: 55 });
  }
}

/** A plain CDP screencast that writes frames as received (the capture without tracking). */
async function plainScreencast(p: Page, dir: string, ms: number): Promise<number> {
  const cdp = await p.context().newCDPSession(p);
  let n = 0;
  const writes: Promise<void>[] = [];
  cdp.on('Page.screencastFrame', (event) => {
    cdp.send('Page.screencastFrameAck', { sessionId: event.sessionId }).catch(() => {});
    writes.push(writeFile(path.join(dir, `${++n}.jpg`), Buffer.from(event.data, 'base64')));
  });
  await cdp.send('Page.startScreencast', { format: 'jpeg', quality: 90, maxFramesInFlight: 5 } as { format: 'jpeg' });
  await typeFor(p, ms);
  await cdp.send('Page.stopScreencast');
  await Promise.all(writes);
  return n;
}

interface Run {
  frames: number;
  blurred: number;
  node: number;
  chromium: number;
  wall: number;
  dir: string;
}

async function run(type: string, tracked: boolean): Promise<Run> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(type));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: VIEW });
    const p = await context.newPage();
    await p.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const dir = await tempDir('sr-bench-blur-');
    const stop = sampler();
    const cpu0 = process.cpuUsage();
    const wall0 = Date.now();
    let frames: number;
    let blurred = 0;
    if (tracked) {
      const capture = await Capture.start(context, p, { dir, runDir: dir, quality: 90, ...VIEW }, async () => {});
      await typeFor(p, SECONDS * 1000);
      const clock = new Clock();
      clock.start(capture.origin);
      await capture.stop(clock, clock.now());
      ({ received: frames, blurred } = capture.stats);
    } else {
      frames = await plainScreencast(p, dir, SECONDS * 1000);
    }
    const own = process.cpuUsage(cpu0);
    const wall = (Date.now() - wall0) / 1000;
    return { frames, blurred, node: (own.user + own.system) / 1e6, chromium: await stop(), wall, dir };
  } finally {
    await browser.close();
    server.close();
  }
}

/** CPU ms to blur and re-encode one frame of `dir`, alone and serially (the password field's box). */
async function blurAlone(dir: string): Promise<number> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jpg')).sort();
  const jpeg = await readFile(path.join(dir, files[Math.floor(files.length / 2)]!));
  const spec = { boxes: [{ x: 430, y: 330, width: 420, height: 44 }], all: false, padPx: 6, sigmaPx: 10, quality: 90 };
  const geom = { cssWidth: VIEW.width, cssHeight: VIEW.height, offsetTop: 0 };
  await blurJpeg(jpeg, spec, geom);
  const c0 = process.cpuUsage();
  for (let i = 0; i < 40; i++) await blurJpeg(jpeg, spec, geom);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / 40;
}

const line = (label: string, r: Run) =>
  `${label}: ${r.frames} frames (${(r.frames / r.wall).toFixed(1)}/s)${r.blurred ? `, ${r.blurred} blurred` : ''}; ` +
  `CPU s node ${r.node.toFixed(1)} + chromium ${r.chromium.toFixed(1)} = ${(r.node + r.chromium).toFixed(1)} over ${r.wall.toFixed(1)} s`;

const blurred = await run('password', true);
const text = await run('text', true);
const plain = await run('text', false);
console.log(`${VIEW.width}×${VIEW.height}, JPEG quality 90, ${SECONDS} s of typing with a spinner on screen`);
console.log(line('  password field (tracked, blurred) ', blurred));
console.log(line('  text field (tracked, no blur)     ', text));
console.log(line('  plain screencast (no tracker)     ', plain));
// Blurring = node CPU beyond the text run's, per frame of each run.
const extra = blurred.node - (text.node * blurred.frames) / text.frames;
console.log(
  `  blur + re-encode: ${((extra * 1000) / blurred.blurred).toFixed(1)} ms CPU per frame in the recording, ` +
    `${(await blurAlone(blurred.dir)).toFixed(1)} ms alone; ${((extra / (blurred.node + blurred.chromium)) * 100).toFixed(0)}% ` +
    `of the recording's CPU (${((extra / blurred.wall) * 100).toFixed(0)}% of one core)`,
);
const tracker = text.chromium / text.frames - plain.chromium / plain.frames;
console.log(
  `  tracker in the page: chromium ${((text.chromium / text.wall) * 100).toFixed(0)}% vs ${((plain.chromium / plain.wall) * 100).toFixed(0)}% ` +
    `of a core without it (${(tracker * 1000).toFixed(1)} ms per frame)`,
);
