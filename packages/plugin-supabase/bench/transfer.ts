// File transfer through supabaseFiles against the local Storage server (run: `npm run bench` in
// packages/plugin-supabase, = `npx tsx bench/transfer.ts`; BENCH_RUNS=3 by default). Two shapes:
// 1. a 50 MB run folder of 1600 frames (32 KiB each: record/1/frame-NNNN.jpg), pushed with the
//    default concurrency (8, one request per frame) and pulled into an empty folder;
// 2. one 20 MB file, pushed resumable (TUS, 6 MiB chunks) and pulled.
// Prints wall time, MB/s (10^6 bytes per second), files/s, wall ms per MB and the client's CPU ms per MB
// (this process: supabase-js, tus-js-client, file reads and writes), median of the runs. The server runs
// in its own process (bench/server.ts) on the same machine and cores, over loopback: no network
// latency, so the figures are the client's own ceiling, not what a remote project gives.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { supabaseFiles } from '@showrunner/plugin-supabase';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FRAMES = 1600;
const FRAME_BYTES = 32 * 1024;
const BIG_BYTES = 20 * 1024 * 1024;

interface Figure {
  label: string;
  bytes: number;
  files: number;
  ms: number[];
  cpuMs: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Start bench/server.ts in a child process; resolves with its URL and key. */
async function startServer() {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const { url, serviceKey } = JSON.parse(line) as { url: string; serviceKey: string };
  const close = async () => {
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  return { url, serviceKey, close };
}

async function main() {
  const server = await startServer();
  const work = await mkdtemp(path.join(tmpdir(), 'sr-bench-transfer-'));
  const files = supabaseFiles({ url: server.url, serviceKey: server.serviceKey });
  const source = path.join(work, 'source');
  await mkdir(path.join(source, 'record', '1'), { recursive: true });
  await mkdir(path.join(source, 'merge', '1'), { recursive: true });
  for (let i = 0; i < FRAMES; i++) {
    await writeFile(path.join(source, 'record', '1', `frame-${String(i).padStart(4, '0')}.jpg`), randomBytes(FRAME_BYTES));
  }
  await writeFile(path.join(source, 'merge', '1', 'final.mp4'), randomBytes(BIG_BYTES));
  const frames = Array.from({ length: FRAMES }, (_, i) => `record/1/frame-${String(i).padStart(4, '0')}.jpg`);

  const figures: Figure[] = [
    { label: `push ${FRAMES} frames`, bytes: FRAMES * FRAME_BYTES, files: FRAMES, ms: [], cpuMs: [] },
    { label: `pull ${FRAMES} frames`, bytes: FRAMES * FRAME_BYTES, files: FRAMES, ms: [], cpuMs: [] },
    { label: 'push 20 MB file (TUS)', bytes: BIG_BYTES, files: 1, ms: [], cpuMs: [] },
    { label: 'pull 20 MB file', bytes: BIG_BYTES, files: 1, ms: [], cpuMs: [] },
  ];
  const timed = async (figure: Figure, job: () => Promise<void>) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await job();
    figure.ms.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    figure.cpuMs.push((cpu.user + cpu.system) / 1000);
  };
  try {
    for (let run = 0; run < RUNS; run++) {
      const runId = `bench-${run}`;
      const target = path.join(work, `target-${run}`);
      await timed(figures[0]!, () => files.push(runId, ['record'], source));
      await timed(figures[1]!, () => files.pull(runId, frames, target));
      await timed(figures[2]!, () => files.push(runId, ['merge'], source));
      await timed(figures[3]!, () => files.pull(runId, ['merge/1/final.mp4'], target));
      await files.remove(runId);
      await rm(target, { recursive: true, force: true });
    }
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }

  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(`Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${load}, ${RUNS} runs, median`);
  console.log('| transfer | size | wall | MB/s | files/s | wall ms per MB | client CPU ms per MB |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const f of figures) {
    const ms = median(f.ms);
    const mb = f.bytes / 1e6;
    const row = [
      f.label,
      `${mb.toFixed(1)} MB`,
      `${(ms / 1000).toFixed(2)} s`,
      (mb / (ms / 1000)).toFixed(1),
      (f.files / (ms / 1000)).toFixed(0),
      (ms / mb).toFixed(1),
      (median(f.cpuMs) / mb).toFixed(1),
    ];
    console.log(`| ${row.join(' | ')} |`);
  }
  console.log(`all runs (ms): ${figures.map((f) => `${f.label}: ${f.ms.map((m) => m.toFixed(0)).join('/')}`).join('; ')}`);
}

await main();
