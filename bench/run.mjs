// `npm run bench`: wall time ÷ final video length for Showrunner's `npm run demo` and for the naive
// baseline (bench/naive.mjs), side by side from one run, with time per stage and peak memory.
// Usage: npm run bench [-- --runs 3]. Not a test: it prints figures (a Markdown table at the end).
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startExampleServer } from '../examples/server.mjs';
import { naiveRun } from './naive.mjs';
import { sampleMemory } from './proc.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const seconds = (ms) => (ms / 1000).toFixed(1);
const mb = (bytes) => Math.round(bytes / 2 ** 20);
const durationOf = (file) =>
  Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).toString()) * 1000;

/** One `npm run demo` as a user runs it (CLI subprocess), its summary and its process tree's peak memory. */
function showrunnerRun(cacheDir) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['scripts/demo.mjs', '--json'], {
      cwd: ROOT,
      env: { ...process.env, SHOWRUNNER_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const memory = sampleMemory(child.pid);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => {
      const peak = memory.stop();
      if (code !== 0) return reject(new Error(`npm run demo exited ${code}`));
      const summary = JSON.parse(out.trim().split('\n').at(-1));
      resolve({ wall: performance.now() - started, summary, peak });
    });
  });
}

const results = { showrunner: [], naive: [] };
const server = await startExampleServer();
for (let i = 0; i < runs; i++) {
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'sr-bench-cache-')); // cold clips: every run synthesizes
  const sr = await showrunnerRun(cacheDir);
  rmSync(cacheDir, { recursive: true, force: true });
  const video = sr.summary.durationMs;
  results.showrunner.push({ ratio: sr.wall / video, wall: sr.wall, video, stages: sr.summary.stageMs, peak: sr.peak });
  console.error(
    `showrunner run ${i + 1}: ${seconds(sr.wall)} s for ${seconds(video)} s of video → ${(sr.wall / video).toFixed(2)}×`,
  );

  const workDir = await mkdtemp(path.join(tmpdir(), 'sr-bench-naive-'));
  const memory = sampleMemory();
  const nv = await naiveRun({ demoFile: path.join(ROOT, 'examples/tour.demo.json'), baseUrl: server.url, workDir });
  const peak = memory.stop();
  const naiveVideo = durationOf(nv.video);
  rmSync(workDir, { recursive: true, force: true });
  results.naive.push({
    ratio: nv.times.total / naiveVideo,
    wall: nv.times.total,
    video: naiveVideo,
    stages: nv.times,
    peak,
    overruns: `${nv.overruns}/${nv.lines}`,
  });
  console.error(
    `naive run ${i + 1}: ${seconds(nv.times.total)} s for ${seconds(naiveVideo)} s of video → ${(nv.times.total / naiveVideo).toFixed(2)}×`,
  );
}
await server.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (name, rs) => {
  const stages = Object.keys(rs[0].stages).filter((s) => s !== 'total');
  const stageText = stages.map((s) => `${s} ${seconds(median(rs.map((r) => r.stages[s])))}`).join(' · ');
  return `| ${name} | **${median(rs.map((r) => r.ratio)).toFixed(2)}×** (${rs.map((r) => r.ratio.toFixed(2)).join(', ')}) | ${seconds(median(rs.map((r) => r.wall)))} | ${seconds(median(rs.map((r) => r.video)))} | ${stageText} | ${mb(Math.max(...rs.map((r) => r.peak.pss)))} / ${mb(Math.max(...rs.map((r) => r.peak.rss)))} |`;
};
console.log(
  `\n${runs} runs each, medians (every run listed for the ratio); memory: peak PSS / RSS of the whole process tree, MiB\n`,
);
console.log('| pipeline | wall ÷ video | wall s | video s | time per stage, s | peak memory MiB |');
console.log('| --- | --- | --- | --- | --- | --- |');
console.log(row('Showrunner (`npm run demo`)', results.showrunner));
console.log(row('naive: recordVideo → TTS → re-encode', results.naive));
console.log(
  `\nNarration lines that ran past their step in the naive video: ${results.naive.map((r) => r.overruns).join(', ')} (Showrunner: none by construction — each step is held for its clip).`,
);
