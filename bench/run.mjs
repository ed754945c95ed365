// `npm run bench`: wall time ÷ final video length for Showrunner's `npm run demo` as a user runs it —
// encoding while recording (the default) and in the old order (merge after recording) — and for the
// naive baseline (bench/naive.mjs), side by side from one run, with time per stage, the time from the
// last step's end to final.mp4 on disk, peak memory, and the browser + ffmpeg group's memory and CPU.
// Usage: npm run bench [-- --runs 3]. Not a test: it prints figures (a Markdown table at the end).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
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
function showrunnerRun(cacheDir, afterRecording) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // As a user types it: npm's start-up, the build check and the CLI are all counted.
    const child = spawn('npm', ['run', '--silent', 'demo', '--', '--json'], {
      cwd: ROOT,
      env: { ...process.env, SHOWRUNNER_CACHE_DIR: cacheDir, SHOWRUNNER_ENCODE_AFTER_RECORDING: afterRecording ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const memory = sampleMemory(child.pid, 1000); // a sample reads every process's smaps (~65 ms here): rarely, or it slows what it measures
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => {
      const peak = memory.stop();
      if (code !== 0) return reject(new Error(`npm run demo exited ${code}`));
      const summary = JSON.parse(out.trim().split('\n').at(-1));
      resolve({ wall: performance.now() - started, summary, peak, tail: afterLastStep(summary.runDir) });
    });
  });
}

/**
 * From the last step's end to final.mp4 on disk, ms: the recording's start (wall clock of t = 0) plus the
 * last step's end on the recording clock (no failed steps in the tour, so no skipped spans), against
 * the mp4's modification time.
 */
function afterLastStep(runDir) {
  const run = (p) => path.join(runDir, p);
  const record = JSON.parse(readFileSync(run('record/output.json'), 'utf8'));
  const merge = JSON.parse(readFileSync(run('merge/output.json'), 'utf8'));
  const lastEnd = Math.max(...record.steps.map((s) => s.endMs ?? 0));
  return statSync(run(merge.files[0].path)).mtimeMs - (record.recording.startedAt + lastEnd);
}

const results = { showrunner: [], after: [], naive: [] };
const server = await startExampleServer();
for (let i = 0; i < runs; i++) {
  for (const [key, afterRecording] of [
    ['showrunner', false],
    ['after', true],
  ]) {
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'sr-bench-cache-'));
    const sr = await showrunnerRun(cacheDir, afterRecording);
    rmSync(cacheDir, { recursive: true, force: true }); // cold clips: every run synthesizes
    const video = sr.summary.durationMs;
    results[key].push({ ratio: sr.wall / video, wall: sr.wall, video, stages: sr.summary.stageMs, peak: sr.peak, tail: sr.tail });
    console.error(
      `showrunner${afterRecording ? ' (merge after recording)' : ''} run ${i + 1}: ${seconds(sr.wall)} s for ${seconds(video)} s of video → ${(sr.wall / video).toFixed(2)}×; final.mp4 ${seconds(sr.tail)} s after the last step`,
    );
  }

  const workDir = await mkdtemp(path.join(tmpdir(), 'sr-bench-naive-'));
  const memory = sampleMemory(process.pid, 1000);
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
  const tail = rs[0].tail === undefined ? '–' : seconds(median(rs.map((r) => r.tail)));
  const group = (f) => Math.max(...rs.map((r) => f(r.peak.group)));
  const browser = rs[0].peak.group
    ? `${mb(group((g) => g.pss))} MiB · ${group((g) => g.cpuPeak).toFixed(2)} / ${median(rs.map((r) => r.peak.group.cpuMean)).toFixed(2)}`
    : '–';
  return `| ${name} | **${median(rs.map((r) => r.ratio)).toFixed(2)}×** (${rs.map((r) => r.ratio.toFixed(2)).join(', ')}) | ${seconds(median(rs.map((r) => r.wall)))} | ${seconds(median(rs.map((r) => r.video)))} | ${stageText} | ${tail} | ${mb(Math.max(...rs.map((r) => r.peak.pss)))} / ${mb(Math.max(...rs.map((r) => r.peak.rss)))} | ${browser} |`;
};
console.log(
  `\n${runs} runs each, medians (every run listed for the ratio). "after last step": from the last step's end to final.mp4 on disk. Memory: peak PSS / RSS of the whole process tree, MiB. Browser + ffmpeg: their summed peak PSS (the record worker's budget is 1 GB), and CPU in cores (peak over 1 s / mean while they ran; 2 cores here)\n`,
);
console.log(
  '| pipeline | wall ÷ video | wall s | video s | time per stage, s | after last step, s | peak memory MiB | browser + ffmpeg: PSS · CPU peak / mean |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
console.log(row('Showrunner (`npm run demo`): encode while recording', results.showrunner));
console.log(row('Showrunner, merge after recording (the old order)', results.after));
console.log(row('naive: recordVideo → TTS → re-encode', results.naive));
console.log(
  `\nNarration lines that ran past their step in the naive video: ${results.naive.map((r) => r.overruns).join(', ')} (Showrunner: none by construction — each step is held for its clip).`,
);
