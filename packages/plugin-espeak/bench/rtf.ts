// Real-time factor of the espeak voice on the 20-word sentence, plus startup time and
// memory. Run from packages/plugin-espeak: `npm run bench` (= npx tsx bench/rtf.ts), after
// `npx tsc -b packages/plugin-espeak`. Prints one JSON line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StageContext } from '@showrunner/core';

const TEXT = 'Welcome to Acme Cloud, where your whole team can build, test, and ship new features together in a few minutes.';
const RUNS = 5;
/** Runs before measuring: the engine is wasm2js (JavaScript), so V8 needs a few calls to optimize it. */
const WARMUP = 3;
const GOAL_RTF = 0.05;
const mib = (bytes: number) => Math.round(bytes / 1048576);

const rssBefore = process.memoryUsage().rss;
const dir = await mkdtemp(path.join(tmpdir(), 'sr-espeak-bench-'));
const ctx = {
  runId: 'bench',
  signal: new AbortController().signal,
  log: { debug() {}, info() {}, warn: (m: string) => console.error(m) },
} as unknown as StageContext; // the plugin reads only runId, signal and log

// Startup: importing the package, then the first clip, which loads the WASM engine (24 MB of voice
// data) and probes the voice. A one-word clip, so synthesis itself is a few ms of it.
let t = performance.now();
const { default: espeak } = await import('@showrunner/plugin-espeak');
const importMs = performance.now() - t;
const voice = espeak();
t = performance.now();
await voice.run({ text: 'Hi.', file: path.join(dir, 'first.wav') }, ctx);
const firstClipMs = performance.now() - t;
const rssStarted = process.memoryUsage().rss;

// The sentence through the plugin's run (synthesis, word timings, WAV write): WARMUP runs, the first
// of them reported as "cold", then RUNS measured ones.
const times: number[] = [];
let audioMs = 0;
let words = 0;
let coldMs = 0;
for (let i = 0; i < WARMUP + RUNS; i++) {
  t = performance.now();
  const out = await voice.run({ text: TEXT, file: path.join(dir, `run-${i}.wav`) }, ctx);
  const ms = performance.now() - t;
  if (i === 0) coldMs = ms;
  if (i >= WARMUP) times.push(ms);
  audioMs = out.durationMs;
  words = out.words?.length ?? 0;
}
const median = times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
const rtf = median / audioMs;
await voice.release?.('bench'); // the run ends: its share of the engine goes, and with it the engine
await rm(dir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    voice: '@showrunner/plugin-espeak (en-us)',
    words: TEXT.split(' ').length,
    timed_words: words,
    audio_s: +(audioMs / 1000).toFixed(2),
    synth_ms_median: +median.toFixed(1),
    synth_ms_min_max: [+times[0]!.toFixed(1), +times.at(-1)!.toFixed(1)],
    rtf: +rtf.toFixed(4),
    cold_synth_ms: +coldMs.toFixed(1),
    cold_rtf: +(coldMs / audioMs).toFixed(4),
    goal_rtf: GOAL_RTF,
    meets_goal: rtf <= GOAL_RTF,
    startup_ms: Math.round(importMs + firstClipMs),
    import_ms: Math.round(importMs),
    first_clip_ms: Math.round(firstClipMs),
    rss_mib: { before: mib(rssBefore), after_startup: mib(rssStarted), end: mib(process.memoryUsage().rss) },
    node: process.version,
  }),
);
