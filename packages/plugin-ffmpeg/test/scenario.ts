// Builds run folders the way the tts and record stages would leave them: demo.json, record/output.json
// with JPEG frames at irregular times, tts/output.json with WAV clips. No other plugin is needed.
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type Box,
  type Clip,
  createRun,
  type Demo,
  parseDemo,
  type RecordOutput,
  type StepResult,
  type TtsOutput,
  type WordTiming,
  writeJson,
} from '@showrunner/core';
import { type FrameSpec, type Look, toneWav, writeFrames } from './media.js';

export const tempDir = (prefix = 'sr-ffmpeg-') => mkdtemp(path.join(tmpdir(), prefix));

/** Files named `final.*` anywhere under the run's merge folder (every attempt's folder included). */
export async function finalFiles(runDir: string): Promise<string[]> {
  const all = await readdir(path.join(runDir, 'merge'), { recursive: true }).catch(() => []);
  return all.filter((f) => path.basename(f).startsWith('final'));
}

/** A performed (or skipped) step with its clip. */
export interface StepPlan {
  status: 'done' | 'skipped';
  startMs?: number;
  narrationMs?: number;
  endMs?: number;
  box?: Box;
  clip?: { wav: Buffer; text: string; rate: number; durationMs: number; leadMs?: number; words?: WordTiming[] };
}

export interface ScenarioPlan {
  demo: Demo;
  look: Look;
  durationMs: number;
  steps: StepPlan[];
  frames: FrameSpec[];
}

/** Write a complete run folder for `plan` under `runsDir`; returns its path. */
export async function writeRun(runsDir: string, plan: ScenarioPlan): Promise<string> {
  const runDir = await createRun(runsDir, { demo: plan.demo });
  const frameFiles = await writeFrames(path.join(runDir, 'record', 'frames'), plan.frames, plan.look);
  const { viewport, dpr } = plan.look;
  const steps: StepResult[] = plan.steps.map((s, i) => {
    const step = plan.demo.steps[i]!;
    if (s.status !== 'done') return { step, status: s.status };
    return { step, status: 'done', startMs: s.startMs, narrationMs: s.narrationMs, endMs: s.endMs, box: s.box };
  });
  const record: RecordOutput = {
    recording: {
      width: viewport.width * dpr,
      height: viewport.height * dpr,
      viewport,
      deviceScaleFactor: dpr,
      startedAt: Date.now(),
      durationMs: plan.durationMs,
      frames: plan.frames.map((f, i) => ({ path: path.relative(runDir, frameFiles[i]!), t: f.t })),
    },
    steps,
  };
  await writeJson(path.join(runDir, 'record', 'output.json'), record);
  await mkdir(path.join(runDir, 'tts'), { recursive: true });
  const clips: Clip[] = [];
  for (const [i, s] of plan.steps.entries()) {
    if (s.status !== 'done' || !s.clip) continue;
    const id = plan.demo.steps[i]!.id;
    const file = path.join(runDir, 'tts', `${id}.wav`);
    await writeFile(file, s.clip.wav);
    const { text, rate, durationMs, words } = s.clip;
    clips.push({ stepId: id, path: path.relative(runDir, file), text, sampleRate: rate, durationMs, words, cached: false });
  }
  const tts: TtsOutput = { clips, cache: { hits: 0, misses: clips.length } };
  await writeJson(path.join(runDir, 'tts', 'output.json'), tts);
  return runDir;
}

/**
 * Irregular frame times like a damage-driven screencast: bursts while something moves, long gaps
 * on a still page. Deterministic. The cursor glides from the previous target to the step's target
 * during the first 40 % of each step, then rests.
 */
export function framesFor(steps: StepPlan[], durationMs: number, seed = 7): FrameSpec[] {
  let state = seed;
  const rand = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const done = steps.filter((s) => s.status === 'done');
  const targetOf = (k: number): { x: number; y: number } => {
    const b = done[k]?.box;
    return b ? { x: b.x + b.width / 2, y: b.y + b.height / 2 } : k > 0 ? targetOf(k - 1) : { x: 320, y: 180 };
  };
  const cursorAt = (t: number) => {
    let k = 0;
    while (k + 1 < done.length && done[k + 1]!.startMs! <= t) k++;
    const from = k > 0 ? targetOf(k - 1) : targetOf(0);
    const to = targetOf(k);
    const start = done[k]!.startMs!;
    const end = done[k + 1]?.startMs ?? durationMs;
    const p = Math.min(1, Math.max(0, (t - start) / (0.4 * (end - start))));
    return { x: from.x + (to.x - from.x) * p, y: from.y + (to.y - from.y) * p };
  };
  const frames: FrameSpec[] = [];
  for (let t = 0; t < durationMs - 20; ) {
    frames.push({ t: Math.round(t), cursor: cursorAt(t) });
    t += rand() < 0.75 ? 20 + rand() * 30 : 150 + rand() * 400; // 20–50 ms in bursts, gaps up to 0.55 s
  }
  return frames;
}

/** A demo whose steps match `count` plans, with titles on some steps. */
export function demoWith(actions: Demo['steps'][number]['action'][], narrations: string[], titles: (string | undefined)[]): Demo {
  return parseDemo({
    url: 'https://example.com/app',
    title: 'Merge test',
    viewport: { width: 640, height: 360 },
    steps: actions.map((action, i) => ({
      action,
      title: titles[i],
      narration: narrations[i],
      ...(action === 'goto' ? { value: '/' } : {}),
      ...(action === 'click' || action === 'fill' ? { target: { name: `target ${i}` } } : {}),
      ...(action === 'fill' ? { value: 'hello' } : {}),
      ...(action === 'press' ? { value: 'Enter' } : {}),
    })),
  });
}

/** Two narrated steps over 2 s of 320×200 frames: the smallest complete run folder, for error and path tests. */
export const twoStepPlan: ScenarioPlan = (() => {
  const clip = (ms: number, text: string) => ({
    wav: toneWav({ ms, rate: 24_000, amp: 0.3 }),
    rate: 24_000,
    durationMs: ms,
    text,
  });
  const steps: StepPlan[] = [
    { status: 'done', startMs: 0, narrationMs: 100, endMs: 600, clip: clip(400, 'One.') },
    { status: 'done', startMs: 1000, narrationMs: 1100, endMs: 1500, clip: clip(400, 'Two.') },
  ];
  return {
    demo: demoWith(['goto', 'click'], ['One.', 'Two.'], [undefined, undefined]),
    look: { viewport: { width: 320, height: 200 }, dpr: 1 },
    durationMs: 2000,
    steps,
    frames: framesFor(steps, 2000),
  };
})();
