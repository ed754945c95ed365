// `npm run bench:queue`: figures for "Through the queue" in docs/benchmarks.md.
//   handoff      stage end → next stage start over `--handoffs` runs (default 50), from the run state, with
//                core's test plugins (no browser, voice or encoder) in three worker processes (parse+merge,
//                tts+record, storage: every hand-off crosses processes) and a shared runs folder;
//   tour         wall ÷ video for examples/tour.demo.json, `showrunner record --queue` (one `showrunner worker`)
//                vs `showrunner record` in-process, alternating, `--runs` each (default 2), cold clip cache;
//   concurrency  one tour recording vs two at once on one worker (`--stages tts,record --concurrency 2`):
//                record wall, frames per second, step failures, and the worker's peak memory.
// Usage: npm run bench:queue [-- --only handoff,tour,concurrency --handoffs 50 --runs 2]. Not a test: it prints figures.
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDemo, type RunFolder } from '@showrunner/core';
import { RunQueue } from '@showrunner/queue';
import { startExampleServer } from '../examples/server.mjs';
import { sampleMemory } from './proc.mjs';
import {
  CLI,
  cliWorker,
  dropPrefix,
  load,
  MACHINE_REDIS,
  median,
  percentile,
  ROOT,
  repoConfig,
  s,
  spawnWorker,
  watch,
} from './queue-harness.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'handoff,tour,concurrency' },
    handoffs: { type: 'string', default: '50' },
    runs: { type: 'string', default: '2' },
  },
});
const only = new Set(values.only.split(','));
const log = (line: string) => void process.stderr.write(`${line}\n`);
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const at = (iso: string | undefined) => Date.parse(iso ?? '');
const end = (st: { startedAt: string; durationMs?: number } | undefined) => at(st?.startedAt) + (st?.durationMs ?? NaN);
const tables: string[] = [];
const newPrefix = (dir: string) => `sr-bench-${path.basename(dir).slice(-6).toLowerCase()}`;

if (only.has('handoff')) {
  const count = Number(values.handoffs);
  log(`\n## Stage hand-off latency, ${count} runs (load ${load()})`);
  const dir = await mkdtemp(path.join(tmpdir(), 'sr-bench-handoff-'));
  const prefix = newPrefix(dir);
  const queue = RunQueue.connect({ redis: MACHINE_REDIS, prefix, runsDir: path.join(dir, '.showrunner/runs') });
  const entry = path.join(ROOT, 'bench/queue-worker.ts');
  const workers = ['parse,merge', 'tts,record', 'storage'].map((stages) =>
    spawnWorker(stages, ['--import', 'tsx', entry, MACHINE_REDIS, prefix, dir, stages]),
  );
  await Promise.all(workers.map((w) => w.ready));
  const request = { url: 'http://localhost:9/', description: 'Title: Hand-off\ngo to /\nclick "Go" — Go on.' };
  const gaps: Record<string, number[]> = { 'parse → tts+record': [], 'tts+record → merge': [], 'merge → storage': [] };
  const walls: number[] = [];
  for (let i = -3; i < count; i++) {
    const submitted = Date.now();
    const runId = await queue.submit({ request }, { autoApprove: true });
    const { status, at: doneAt } = await watch(queue, runId, undefined, 30_000);
    if (status !== 'done') throw new Error(`hand-off run ${runId} ended ${status}`);
    if (i < 0) continue; // warm-up: first jobs compile and connect
    const { stages } = (await queue.read(runId)).state;
    const recorded = Math.min(at(stages.tts?.startedAt), at(stages.record?.startedAt));
    gaps['parse → tts+record']!.push(recorded - end(stages.parse));
    gaps['tts+record → merge']!.push(at(stages.merge?.startedAt) - Math.max(end(stages.tts), end(stages.record)));
    gaps['merge → storage']!.push(at(stages.storage?.startedAt) - end(stages.merge));
    walls.push(doneAt - submitted);
  }
  await Promise.all(workers.map((w) => w.stop()));
  log(`  dropped ${await dropPrefix(queue)} keys under ${prefix}`);
  await queue.close();
  await rm(dir, { recursive: true, force: true });
  const all = Object.values(gaps).flat();
  const row = (name: string, xs: number[]) =>
    `| ${name} | ${xs.length} | **${median(xs)}** | ${percentile(xs, 99)} | ${Math.min(...xs)} – ${Math.max(...xs)} |`;
  tables.push(
    `### Stage hand-off latency (${count} runs one after another; load at the end ${load()})\n`,
    '| hand-off | n | p50 ms | p99 ms | min – max ms |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(gaps).map(([name, xs]) => row(name, xs)),
    row('every hand-off', all),
    `\nsubmit → run done (parse, review skipped, tts+record, merge, storage, all with test plugins): median ${median(walls)} ms, p99 ${percentile(walls, 99)} ms.\n`,
  );
}

if (only.has('tour') || only.has('concurrency')) {
  const server = await startExampleServer();
  const dir = await mkdtemp(path.join(tmpdir(), 'sr-bench-tour-'));
  const config = await repoConfig(dir);
  const prefix = newPrefix(dir);
  const demoFile = path.join(dir, 'tour.demo.json'); // a copy: an in-process record writes healed selectors back
  await copyFile(path.join(ROOT, 'examples/tour.demo.json'), demoFile);
  const queueFlags = ['--queue', MACHINE_REDIS, '--prefix', prefix];

  if (only.has('tour')) {
    const runs = Number(values.runs);
    log(`\n## Tour: through the queue vs in-process, ${runs} runs each (load ${load()})`);
    const results: Record<'queue' | 'local', { wall: number; video: number; stages: Record<string, number> }[]> = {
      queue: [],
      local: [],
    };
    for (let i = 0; i < runs; i++) {
      for (const mode of ['queue', 'local'] as const) {
        const cache = await mkdtemp(path.join(tmpdir(), 'sr-bench-cache-')); // cold clips: every run synthesizes
        const env = { ...process.env, SHOWRUNNER_CACHE_DIR: cache };
        const worker =
          mode === 'queue' ? cliWorker('tour worker', config, queueFlags, { SHOWRUNNER_CACHE_DIR: cache }) : undefined;
        await worker?.ready;
        const started = performance.now();
        const args = [CLI, '-c', config, '--json', 'record', demoFile, '--base-url', server.url, ...(worker ? queueFlags : [])];
        const out = await new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
          let text = '';
          child.stdout.on('data', (d) => {
            text += d;
          });
          child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`record (${mode}) exited ${code}`))));
        });
        const wall = performance.now() - started;
        await worker?.stop();
        await rm(cache, { recursive: true, force: true });
        const summary = JSON.parse(out.trim().split('\n').at(-1)!);
        results[mode].push({ wall, video: summary.durationMs, stages: summary.stageMs });
        log(
          `  ${mode} run ${i + 1}: ${s(wall)} s for ${s(summary.durationMs)} s of video → ${(wall / summary.durationMs).toFixed(2)}×`,
        );
      }
    }
    const row = (name: string, rs: (typeof results)['queue']) => {
      const stages = ['tts', 'record', 'merge', 'storage'].map((st) => `${st} ${s(median(rs.map((r) => r.stages[st] ?? 0)))}`);
      const ratios = rs.map((r) => (r.wall / r.video).toFixed(2));
      return `| ${name} | **${median(rs.map((r) => r.wall / r.video)).toFixed(2)}×** (${ratios.join(', ')}) | ${s(median(rs.map((r) => r.wall)))} | ${s(median(rs.map((r) => r.video)))} | ${stages.join(' · ')} |`;
    };
    tables.push(
      `### The tour through the queue vs in-process (${runs} runs each, alternating, cold clip cache; load at the end ${load()})\n`,
      '| pipeline | wall ÷ video | wall s | video s | time per stage, s |',
      '| --- | --- | --- | --- | --- |',
      row('`showrunner record --queue` + one `showrunner worker`', results.queue),
      row('`showrunner record` (in-process)', results.local),
      '',
    );
  }

  if (only.has('concurrency')) {
    const reps = Number(values.runs);
    log(`\n## Concurrent recordings on one worker (${availableParallelism()} cores; load ${load()})`);
    const queue = RunQueue.connect({ redis: MACHINE_REDIS, prefix, runsDir: path.join(dir, 'runs') });
    const env = { SHOWRUNNER_CACHE_DIR: path.join(dir, 'cache') };
    const recorder = cliWorker('tts+record ×2', config, [...queueFlags, '--stages', 'tts,record', '--concurrency', '2'], env);
    const rest = cliWorker('parse,merge,storage', config, [...queueFlags, '--stages', 'parse,merge,storage'], env);
    await Promise.all([recorder.ready, rest.ready]);
    const idle = sampleMemory(recorder.pid);
    await new Promise((r) => setTimeout(r, 2_000));
    const idlePeak = idle.stop();
    const demo = parseDemo({ ...JSON.parse(await readFile(demoFile, 'utf8')), url: server.url }, 'tour');
    const rows: string[] = [];
    const byMode: Record<string, { fps: number[]; over: number[]; failures: number; wall: number[]; peak: number[] }> = {};
    for (let i = 0; i < reps; i++) {
      for (const together of [1, 2]) {
        const memory = sampleMemory(recorder.pid);
        const started = Date.now();
        const ids = await Promise.all(Array.from({ length: together }, () => queue.submit({ demo })));
        const ends = await Promise.all(ids.map((id) => watch(queue, id, undefined, 300_000)));
        const peak = memory.stop();
        byMode[together] ??= { fps: [], over: [], failures: 0, wall: [], peak: [] };
        const m = byMode[together];
        m.wall.push(Math.max(...ends.map((e) => e.at)) - started);
        m.peak.push(peak.pss);
        for (const [k, id] of ids.entries()) {
          const run: RunFolder = await queue.read(id);
          const rec = run.outputs.record?.recording;
          const recordMs = run.state.stages.record?.durationMs ?? NaN;
          const failed = Object.values(run.state.steps).filter((x) => x !== 'done').length + run.state.decisions.length;
          const fps = rec ? rec.frames.length / (rec.durationMs / 1000) : NaN;
          m.fps.push(fps);
          m.over.push(recordMs - (rec?.durationMs ?? NaN));
          m.failures += failed + (ends[k]!.status === 'done' ? 0 : 1);
          rows.push(
            `| ${together} at once, #${i + 1}${together > 1 ? `.${k + 1}` : ''} | ${ends[k]!.status} | ${s(recordMs)} | ${s(rec?.durationMs ?? NaN)} | ${rec?.frames.length} | ${fps.toFixed(1)} | ${failed} | ${s(run.outputs.merge?.durationMs ?? NaN)} | ${mib(peak.pss)} / ${mib(peak.rss)} |`,
          );
          log(`  ${rows.at(-1)}`);
        }
      }
    }
    await Promise.all([recorder.stop(), rest.stop()]);
    log(`  dropped ${await dropPrefix(queue)} keys under ${prefix}`);
    await queue.close();
    const summary = Object.entries(byMode).map(
      ([n, m]) =>
        `| ${n} | ${s(median(m.wall))} | ${median(m.fps).toFixed(1)} | ${s(median(m.over))} | ${m.failures} | ${mib(Math.max(...m.peak))} |`,
    );
    tables.push(
      `### One worker, recordings at once (${availableParallelism()} cores, eSpeak voice; load at the end ${load()})\n`,
      '| recording | status | record stage s | recording s | frames | frames/s | failed steps | video s | worker tree peak PSS / RSS MiB |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      '| at once | wall for the batch, s (median) | frames/s (median) | record stage − recording, s (median) | failed steps or runs | worker tree peak PSS MiB |',
      '| --- | --- | --- | --- | --- | --- |',
      ...summary,
      `\nIdle worker (tts+record, before any job): PSS ${mib(idlePeak.pss)} MiB / RSS ${mib(idlePeak.rss)} MiB.\n`,
    );
  }
  await server.close();
  await rm(dir, { recursive: true, force: true });
}

console.log(`\n${tables.join('\n')}`);
