// Shared by bench/queue-faults.ts and bench/queue-bench.ts: private Redis servers, worker processes
// (the CLI's `showrunner worker`, or bench/queue-worker.ts with core's test plugins), a config that is
// the repository's with its runs in a temp folder, checks on a finished run, and small statistics.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunFolder, StageName } from '@showrunner/core';
import type { RunEvent, RunQueue } from '@showrunner/queue';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = path.join(ROOT, 'packages/cli/dist/bin.js');
export const MACHINE_REDIS = process.env.SHOWRUNNER_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on loopback (nothing listens on it once this returns). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * A private, durable redis-server on a free port: every write is in the append-only file before Redis
 * answers (`--appendfsync always`), so a restart loses nothing a worker was told was written.
 * `restart(downMs)` kills it with SIGKILL, waits `downMs`, and starts it again on the same port and dir.
 */
export async function startRedis(dir: string) {
  const port = await freePort();
  let child: ChildProcess;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes'];
  const up = async () => {
    child = spawn('redis-server', [...args, '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
    for (let i = 0; i < 200 && !(await accepts(port)); i++) await sleep(25);
  };
  const down = async (signal: NodeJS.Signals) => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs: number) {
      await down('SIGKILL');
      await sleep(downMs);
      await up();
    },
    stop: () => down('SIGTERM'),
  };
}

/** A worker process as the benches see it: its stderr lines, the jobs it says it holds, and ways to end it. */
export interface WorkerProc {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the worker printed `worker ready`. */
  readonly ready: Promise<void>;
  /** Resolves when the process exited, for whatever reason. */
  readonly exited: Promise<void>;
  /** `runId stage` of every job it took and has not finished (from its `…` / `✓` / `✖` lines). */
  readonly holding: Set<string>;
  /** Every job it took, in order, with the time it said so. */
  readonly took: { at: number; job: string }[];
  /** Every line it printed on stderr. */
  readonly lines: string[];
  /** SIGKILL this process alone (its children are left as a crash leaves them). */
  crash(): void;
  /** After a crash: wait for the exit, then count and SIGKILL what is left of its process group. */
  reap(): Promise<number>;
  /** SIGTERM (the worker hands back or finishes its jobs); SIGKILL its group after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Start `node <args>` as a worker in its own process group (so what a crash leaves behind can be found). */
export function spawnWorker(name: string, args: string[], env: Record<string, string> = {}): WorkerProc {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pid = child.pid!;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const holding = new Set<string>();
  const took: { at: number; job: string }[] = [];
  const printed: string[] = [];
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => reject(new Error(`worker ${name} exited (${code}) before it was ready`)));
  });
  ready.catch(() => {});
  let buffer = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      printed.push(line);
      const job = /^([…✓·✖]) (\S+) (\w+)/.exec(line);
      if (line.startsWith('worker ready')) onReady();
      else if (job?.[1] === '…') {
        holding.add(`${job[2]} ${job[3]}`);
        took.push({ at: Date.now(), job: `${job[2]} ${job[3]}` });
      } else if (job) holding.delete(`${job[2]} ${job[3]}`);
      if (process.env.BENCH_VERBOSE || line.includes('✖')) process.stderr.write(`  [${name}] ${line}\n`);
    }
  });
  const killGroup = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  };
  return {
    name,
    pid,
    ready,
    exited,
    holding,
    took,
    lines: printed,
    crash: () => child.kill('SIGKILL'),
    async reap() {
      await exited;
      const left = groupMembers(pid).length;
      killGroup();
      return left;
    },
    async stop(graceMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(killGroup, graceMs);
      await exited;
      clearTimeout(timer);
      if (groupMembers(pid).length) killGroup();
    },
  };
}

/** Processes whose process group is `pgid` (from /proc). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) out.push(Number(name));
    } catch {}
  }
  return out;
}

/** `showrunner -c <config> worker …` as a user starts it. */
export const cliWorker = (name: string, config: string, flags: string[], env: Record<string, string> = {}) =>
  spawnWorker(name, [CLI, '-c', config, 'worker', ...flags], env);

/**
 * Write `<dir>/showrunner.config.ts`: the repository's config (eSpeak, Playwright, ffmpeg; offline)
 * with its runs in `<dir>/runs`, plus `overrides` (source of an object literal's extra entries).
 */
export async function repoConfig(dir: string, overrides = '', head = ''): Promise<string> {
  const file = path.join(dir, 'showrunner.config.ts');
  const repo = JSON.stringify(path.join(ROOT, 'showrunner.config.ts'));
  await writeFile(
    file,
    `import repo from ${repo};\n${head}\n` +
      `export default async (env: { command: string }) => ({ ...(await (repo as (e: unknown) => Promise<object>)(env)), runsDir: 'runs', ${overrides} });\n`,
  );
  return file;
}

/** Follow a run until it is done, failed or cancelled (or `timeoutMs` passes): the final status and every event with its arrival time. */
export async function watch(
  queue: RunQueue,
  runId: string,
  onEvent: (e: RunEvent) => void | Promise<void> = () => {},
  timeoutMs = 180_000,
): Promise<{ status: string; at: number; events: { at: number; e: RunEvent }[] }> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  const events: { at: number; e: RunEvent }[] = [];
  let status = 'timeout';
  let at = 0;
  await queue.follow(
    runId,
    async (e) => {
      events.push({ at: Date.now(), e });
      await onEvent(e);
      if (e.hook === 'onStatusChange' && !e.event.stage && ['done', 'failed', 'cancelled'].includes(String(e.event.status))) {
        status = String(e.event.status);
        at = Date.now();
        stop.abort();
      }
    },
    { signal: stop.signal },
  );
  clearTimeout(timer);
  return { status, at: at || Date.now(), events };
}

/** The jobs of a run still in any stage queue in a state that would run later: waiting, active, delayed, prioritized. */
export async function leftoverJobs(queue: RunQueue, runId: string, stages: readonly StageName[]): Promise<string[]> {
  const left: string[] = [];
  for (const stage of stages) {
    const jobs = await queue.queue(stage).getJobs(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
    for (const job of jobs) if (job?.data.runId === runId) left.push(`${job.id} ${await job.getState()}`);
  }
  return left;
}

/** Poll {@link leftoverJobs} until there are none or `maxMs` passed (a finished job leaves `active` just after the run's last event). */
export async function settled(queue: RunQueue, runId: string, stages: readonly StageName[], maxMs: number) {
  const started = Date.now();
  let left = await leftoverJobs(queue, runId, stages);
  while (left.length && Date.now() - started < maxMs) {
    await sleep(100);
    left = await leftoverJobs(queue, runId, stages);
  }
  return { left, afterMs: Date.now() - started };
}

/** Every job of a run in every stage queue with its BullMQ state, e.g. `record.1 completed`. */
export async function jobStates(queue: RunQueue, runId: string, stages: readonly StageName[]): Promise<string[]> {
  const out: string[] = [];
  for (const stage of stages) {
    for (let n = 1; n <= 5; n++) {
      const job = await queue.queue(stage).getJob(`${runId}.${stage}.${n}`);
      if (job) out.push(`${stage}.${n} ${await job.getState()}`);
    }
  }
  return out;
}

/**
 * "Each stage's output written by exactly one attempt": every file a committed output names lies under
 * `<stage>/<attempt>/` of the stage's committed attempt and exists, and no other attempt folder is left
 * in `<stage>/`. Returns the problems found (none: []).
 */
export async function oneAttemptEach(run: RunFolder): Promise<string[]> {
  const problems: string[] = [];
  const named: Partial<Record<StageName, string[]>> = {
    tts: run.outputs.tts?.clips.map((c) => c.path),
    record: run.outputs.record?.recording.frames.map((f) => f.path),
    merge: run.outputs.merge?.files.map((f) => f.path),
  };
  for (const stage of ['tts', 'record', 'merge', 'storage'] as const) {
    const attempt = run.state.stages[stage]?.attempt;
    if (!attempt || run.state.stages[stage]?.status !== 'done') {
      problems.push(`${stage}: no committed attempt`);
      continue;
    }
    const folders = (await readdir(path.join(run.dir, stage)).catch(() => [] as string[])).filter((f) => /^\d+$/.test(f));
    if (folders.join() !== String(attempt))
      problems.push(`${stage}: attempt folders ${folders.join(', ')}, committed ${attempt}`);
    const paths = named[stage] ?? [];
    const outside = paths.filter((p) => !p.startsWith(`${stage}/${attempt}/`));
    if (outside.length) problems.push(`${stage}: ${outside.length} file(s) outside ${stage}/${attempt}/, e.g. ${outside[0]}`);
    const missing = paths.filter((p) => !existsSync(path.join(run.dir, p)));
    if (missing.length) problems.push(`${stage}: ${missing.length} file(s) missing, e.g. ${missing[0]}`);
  }
  return problems;
}

/** Delete every key under a prefix of a shared Redis. */
export async function dropPrefix(queue: RunQueue): Promise<number> {
  let cursor = '0';
  let dropped = 0;
  do {
    const [next, keys] = await queue.redis.scan(cursor, 'MATCH', `${queue.keys.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) dropped += await queue.redis.del(...keys);
  } while (cursor !== '0');
  return dropped;
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
export const median = (xs: number[]) => percentile(xs, 50);
export const s = (ms: number, digits = 1) => (ms / 1000).toFixed(digits);

/** The load average now, to print beside the figures (the machine is shared). */
export const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
