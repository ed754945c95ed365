// Synthesizes a realistic 720p recording for the benchmark: a real Chromium screenshot of a tall
// dashboard page (bench/page.html), scrolled and clicked through by a moving cursor, captured as
// damage-driven JPEG frames (bursts while moving, sparse while still), plus one narration clip per
// step. Every frame's lossless RGB can be rebuilt for the PSNR check.
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Clip, createRun, encodeWav, parseDemo, type RecordOutput, type StepResult, writeJson } from '@showrunner/core';

const exec = promisify(execFile);
export const W = 1280;
export const H = 720;
const PAGE_H = 3200;
const STEP_MS = 6000;
const STEPS = 10;
export const DURATION_MS = STEP_MS * STEPS;

/** One frame: when, how far the page is scrolled, where the cursor is. */
export interface FrameState {
  t: number;
  scroll: number;
  cursor: { x: number; y: number };
}

/** The page as raw RGB, rendered by Chromium (a flat mock when Chromium is missing). */
export async function renderPage(dir: string, ffmpeg: string): Promise<Buffer> {
  const png = path.join(dir, 'page.png');
  const html = fileURLToPath(new URL('./page.html', import.meta.url));
  await exec('/usr/lib/chromium/chromium', [
    ...['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=${W},${PAGE_H}`],
    ...[`--screenshot=${png}`, `file://${html}`],
  ]);
  const { stdout } = await exec(ffmpeg, ['-v', 'error', '-i', png, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    encoding: 'buffer',
    maxBuffer: W * PAGE_H * 3 + 1024,
  });
  return stdout;
}

/** Frame times and states: per step the cursor glides to a target, some steps scroll smoothly, then the page rests. */
export function plan(): { frames: FrameState[]; steps: { startMs: number; endMs: number; box: { x: number; y: number } }[] } {
  const frames: FrameState[] = [];
  const steps = [];
  let scroll = 0;
  let cursor = { x: 640, y: 360 };
  for (let s = 0; s < STEPS; s++) {
    const start = s * STEP_MS;
    const target = { x: 320 + ((s * 379) % 800), y: 140 + ((s * 211) % 440) };
    const from = cursor;
    for (let t = 0; t <= 600; t += 33) {
      const p = t / 600;
      frames.push({ t: start + t, scroll, cursor: { x: from.x + (target.x - from.x) * p, y: from.y + (target.y - from.y) * p } });
    }
    cursor = target;
    let t = 700;
    if (s % 2 === 1) {
      const from = scroll;
      const to = Math.min(PAGE_H - H, scroll + 420);
      for (; t <= 1400; t += 17) {
        const p = (t - 700) / 700;
        scroll = Math.round(from + (to - from) * (p * p * (3 - 2 * p)));
        frames.push({ t: start + t, scroll, cursor });
      }
      scroll = to;
    }
    for (t += 700; t < STEP_MS; t += 900) frames.push({ t: start + t, scroll, cursor }); // still page: rare frames
    steps.push({ startMs: start, endMs: start + 1500, box: target });
  }
  return { frames, steps };
}

/** The lossless frame for a state: the page crop plus the cursor. */
export function compose(page: Buffer, state: FrameState): Buffer {
  const frame = Buffer.from(page.subarray(state.scroll * W * 3, (state.scroll + H) * W * 3));
  const cx = Math.round(state.cursor.x);
  const cy = Math.round(state.cursor.y);
  for (let dy = 0; dy < 18; dy++) {
    for (let dx = 0; dx <= dy * 0.6; dx++) {
      const x = cx + dx;
      const y = cy + dy;
      if (x >= W || y >= H) continue;
      const edge = dx === 0 || dx + 1 > dy * 0.6 || dy === 17;
      frame.set(edge ? [255, 255, 255] : [15, 23, 42], (y * W + x) * 3);
    }
  }
  return frame;
}

/** Write the frames as JPEGs (quality like a screencast at q≈90–95) and return their files. */
export async function writeFrames(dir: string, page: Buffer, frames: FrameState[], ffmpeg: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const child = spawn(ffmpeg, [
    ...['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', '1', '-i', '-'],
    ...['-q:v', '2', '-start_number', '0', path.join(dir, '%05d.jpg')],
  ]);
  const done = new Promise<void>((resolve, reject) =>
    child.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`jpeg ${c}`)))),
  );
  for (const f of frames) {
    if (!child.stdin.write(compose(page, f))) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  await done;
  return frames.map((_, i) => path.join(dir, `${String(i).padStart(5, '0')}.jpg`));
}

/** Speech-like audio: a buzzing tone in syllable bursts, at 24 kHz like Kokoro. */
export function speech(ms: number, seed: number): Buffer {
  const rate = 24_000;
  const n = Math.round((ms * rate) / 1000);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * (3.3 + (seed % 3) * 0.4) * t)) ** 0.7;
    const pitch = 140 + 30 * Math.sin(2 * Math.PI * 0.7 * t + seed);
    let v = 0;
    for (let h = 1; h <= 6; h++) v += Math.sin(2 * Math.PI * pitch * h * t) / h;
    out[i] = 0.25 * syllable * v;
  }
  return encodeWav(out, rate);
}

/** Build a run folder with the recording and clips; two lines run long, so two holds are inserted. */
export async function writeRun(runsDir: string, page: Buffer, ffmpeg: string): Promise<{ runDir: string; frames: FrameState[] }> {
  const { frames, steps } = plan();
  const demo = parseDemo({
    url: 'https://example.com/dashboard',
    title: 'Benchmark demo',
    steps: steps.map((_, i) => ({ action: 'click', target: { name: `Item ${i}` }, narration: `Step ${i + 1} of the tour.` })),
  });
  const runDir = await createRun(runsDir, { demo });
  const files = await writeFrames(path.join(runDir, 'record', 'frames'), page, frames, ffmpeg);
  const results: StepResult[] = steps.map((s, i) => ({
    step: demo.steps[i]!,
    status: 'done',
    startMs: s.startMs,
    narrationMs: s.startMs + 200,
    endMs: s.endMs,
    box: { x: s.box.x - 40, y: s.box.y - 12, width: 80, height: 24 },
  }));
  const record: RecordOutput = {
    recording: {
      width: W,
      height: H,
      viewport: { width: W, height: H },
      deviceScaleFactor: 1,
      startedAt: Date.now(),
      durationMs: DURATION_MS,
      frames: frames.map((f, i) => ({ path: path.relative(runDir, files[i]!), t: f.t })),
    },
    steps: results,
  };
  await writeJson(path.join(runDir, 'record', 'output.json'), record);
  const clips: Clip[] = [];
  for (const [i, step] of demo.steps.entries()) {
    const ms = i === 3 || i === 7 ? 7000 : 4200; // two lines overrun their 6 s steps
    const file = path.join(runDir, 'tts', `${step.id}.wav`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, speech(ms, i));
    clips.push({
      stepId: step.id,
      path: path.relative(runDir, file),
      text: step.narration!,
      sampleRate: 24_000,
      durationMs: ms,
      cached: false,
    });
  }
  await writeJson(path.join(runDir, 'tts', 'output.json'), { clips, cache: { hits: 0, misses: clips.length } });
  return { runDir, frames };
}
