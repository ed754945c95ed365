// `npm run bench:hooks`: does a slow observer hook lengthen the video? Records the 17-step tour
// (examples/tour.demo.json) with the eSpeak voice, the real recorder and merge, alternately without a
// hook and with a hook plugin that sleeps 500 ms on every event (as a status writer to a slow database
// might), and prints each video's length. Goal: the hook changes the length by ≤ 50 ms.
// Usage: node bench/hooks.mjs [--runs 3] [--sleep 500]. Not a test: it prints figures.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRun, definePlugin, parseDemo, resolveConfig, runPipeline } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import playwright from '@showrunner/plugin-playwright';
import { startExampleServer } from '../examples/server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, sleep: { type: 'string', default: '500' } } });
const runs = Number(values.runs);
const sleepMs = Number(values.sleep);
const demo = parseDemo(JSON.parse(await readFile(path.join(ROOT, 'examples/tour.demo.json'), 'utf8')), 'tour.demo.json');

let events = 0;
const slowWriter = definePlugin({
  name: 'bench:slow-status-writer',
  hooks: Object.fromEntries(
    ['onStatusChange', 'onStepStart', 'onStepEnd', 'onStepFailed', 'onArtifact', 'onProgress'].map((name) => [
      name,
      async () => {
        events++;
        await new Promise((r) => setTimeout(r, sleepMs));
      },
    ]),
  ),
});

const server = await startExampleServer();
const root = await mkdtemp(path.join(tmpdir(), 'sr-bench-hooks-'));
const config = await resolveConfig({ tts: espeak(), record: playwright(), merge: ffmpeg(), baseUrl: server.url }, { root });

async function once(withHook) {
  events = 0;
  const runDir = await createRun(config.runsDir, { demo });
  const started = performance.now();
  const run = await runPipeline(config, runDir, { plugins: withHook ? [slowWriter] : [], log: () => {} });
  const wall = performance.now() - started;
  return { video: run.outputs.merge.durationMs, recording: run.outputs.record.recording.durationMs, wall, events };
}

await once(false); // warm the clip cache and the page, so every measured run speaks the same clips
const rows = { without: [], with: [] };
for (let i = 0; i < runs; i++) {
  for (const withHook of [false, true]) {
    const r = await once(withHook);
    rows[withHook ? 'with' : 'without'].push(r);
    console.error(
      `${withHook ? 'with hook   ' : 'without hook'} run ${i + 1}: video ${(r.video / 1000).toFixed(3)} s, ` +
        `recording ${(r.recording / 1000).toFixed(3)} s, wall ${(r.wall / 1000).toFixed(1)} s${withHook ? `, ${r.events} hook events` : ''}`,
    );
  }
}
await server.close();
await rm(root, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (k, key) => median(rows[k].map((r) => r[key]));
const diff = m('with', 'video') - m('without', 'video');
console.log(`\n| observer hook | video s (median of ${runs}) | every run, s | wall s | hook events |`);
console.log('| --- | --- | --- | --- | --- |');
for (const k of ['without', 'with']) {
  const list = rows[k].map((r) => (r.video / 1000).toFixed(3)).join(', ');
  const ev = k === 'with' ? median(rows.with.map((r) => r.events)) : 0;
  console.log(
    `| ${k === 'with' ? `sleeps ${sleepMs} ms per event` : 'none'} | ${(m(k, 'video') / 1000).toFixed(3)} | ${list} | ${(m(k, 'wall') / 1000).toFixed(1)} | ${ev} |`,
  );
}
const recordingDiff = m('with', 'recording') - m('without', 'recording');
console.log(`\nvideo length with the hook − without: ${diff.toFixed(0)} ms (goal ≤ 50 ms)`);
console.log(`recording length (before frame rounding) with the hook − without: ${recordingDiff.toFixed(1)} ms`);
