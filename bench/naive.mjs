// The naive baseline the benchmark compares Showrunner with: what one would write without it.
// Record the demo with Playwright's own recordVideo (a VP9 webm), then synthesize every narration
// line, then re-encode the webm with the clips laid at each step's start, strictly one after the
// other. Narration lengths are unknown while recording, so each step waits a guess from its word
// count (eSpeak's default pace, about 2.9 words a second, plus the same lead and gap Showrunner
// uses); afterwards it counts the lines that did not fit their step.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import espeak from '@showrunner/plugin-espeak';
import { CHROMIUM_ARGS, findChromium } from '@showrunner/plugin-playwright';

const require = createRequire(import.meta.url);
const LEAD_MS = 300; // Showrunner's default lead and gap, so the two videos pace alike
const GAP_MS = 400;

/**
 * Playwright's recordVideo needs its own ffmpeg build, which cannot be downloaded here: link the
 * system one. Playwright reads PLAYWRIGHT_BROWSERS_PATH once, so every run shares one folder.
 */
function linkPlaywrightFfmpeg(dir) {
  if (process.env.PLAYWRIGHT_BROWSERS_PATH === dir) return;
  const browsers = require(path.join(path.dirname(require.resolve('playwright-core/package.json')), 'browsers.json'));
  const revision = browsers.browsers.find((b) => b.name === 'ffmpeg').revision;
  const target = path.join(dir, `ffmpeg-${revision}`);
  mkdirSync(target, { recursive: true });
  try {
    symlinkSync(execFileSync('which', ['ffmpeg']).toString().trim(), path.join(target, 'ffmpeg-linux'));
  } catch {}
  process.env.PLAYWRIGHT_BROWSERS_PATH = dir;
}

function locate(page, target) {
  if (target.role) return page.getByRole(target.role, { name: target.name }).first();
  if (target.label) return page.getByLabel(target.label).first();
  return page.getByText(target.text ?? target.name).first();
}

async function perform(page, step, base) {
  const value = typeof step.value === 'string' ? step.value : '';
  switch (step.action) {
    case 'goto':
      return page.goto(new URL(value, base).href, { waitUntil: 'load' });
    case 'click':
      return locate(page, step.target).click();
    case 'fill':
      return locate(page, step.target).fill(value);
    case 'press':
      return page.keyboard.press(value);
    case 'hover':
      return locate(page, step.target).hover();
    case 'select':
      return locate(page, step.target).selectOption({ label: value });
    case 'check':
      return locate(page, step.target).check();
    case 'scroll':
      return page.mouse.wheel(0, value === 'bottom' ? 5000 : 600);
    case 'wait':
      return step.target ? locate(page, step.target).waitFor() : page.waitForTimeout(Number(value));
  }
}

/** Run the baseline once; returns wall times per phase (ms) and the video file. */
export async function naiveRun({ demoFile, baseUrl, workDir }) {
  const demo = JSON.parse(readFileSync(demoFile, 'utf8'));
  mkdirSync(workDir, { recursive: true });
  linkPlaywrightFfmpeg(path.join(tmpdir(), 'showrunner-bench-pw-browsers'));
  const { chromium } = await import('playwright-core');
  const times = {};
  const t0 = performance.now();

  // 1. record: Playwright's webm, steps held for a guessed narration length
  const browser = await chromium.launch({ executablePath: (await findChromium()).path, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    recordVideo: { dir: workDir, size: { width: 1280, height: 720 } },
  });
  const page = await context.newPage();
  const videoStart = performance.now();
  const starts = [];
  for (const step of demo.steps) {
    starts.push(performance.now() - videoStart);
    await perform(page, step, baseUrl);
    const words = (step.narration ?? '').split(/\s+/).filter(Boolean).length;
    const hold = LEAD_MS + (words / 2.9) * 1000 + GAP_MS;
    await page.waitForTimeout(hold);
  }
  const video = page.video();
  await context.close();
  const webm = await video.path();
  await browser.close();
  times.record = performance.now() - t0;

  // 2. tts: every line, one after the other
  const t1 = performance.now();
  const voice = espeak();
  const log = { debug() {}, info() {}, warn() {} };
  const clips = [];
  for (const [i, step] of demo.steps.entries()) {
    if (!step.narration) continue;
    const file = path.join(workDir, `clip-${i}.wav`);
    const { durationMs } = await voice.run({ text: step.narration, file }, { log, signal: new AbortController().signal });
    clips.push({
      file,
      at: Math.round(starts[i] + LEAD_MS),
      overruns: LEAD_MS + durationMs > (starts[i + 1] ?? Infinity) - starts[i],
    });
  }
  times.tts = performance.now() - t1;

  // 3. merge: re-encode the webm with every clip delayed to its step's start
  const t2 = performance.now();
  const out = path.join(workDir, 'naive.mp4');
  const delays = clips.map((c, i) => `[${i + 1}:a]adelay=${c.at}|${c.at}[a${i}]`).join(';');
  const mix = `${clips.map((_, i) => `[a${i}]`).join('')}amix=inputs=${clips.length}:duration=longest:normalize=0[aout]`;
  execFileSync('ffmpeg', [
    '-y',
    '-v',
    'error',
    '-i',
    webm,
    ...clips.flatMap((c) => ['-i', c.file]),
    '-filter_complex',
    `${delays};${mix}`,
    '-map',
    '0:v',
    '-map',
    '[aout]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '20',
    '-pix_fmt',
    'yuv420p',
    '-r',
    '25',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-movflags',
    '+faststart',
    out,
  ]);
  times.merge = performance.now() - t2;
  times.total = performance.now() - t0;
  return { times, video: out, lines: clips.length, overruns: clips.filter((c) => c.overruns).length };
}
