// Processes as the hosted load bench (bench/hosted-load.ts) sees them, from /proc: the process doing
// the work under a launcher (npx / npm → sh → tsx → node), what is left in a stopped process group, the
// CPU time a process tree and the whole machine used, and a line appearing in a log file.
import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from './queue-harness.js';

/** Each process's parent pid and process group (from /proc). */
function processes(): Map<number, { parent: number; group: number }> {
  const out = new Map<number, { parent: number; group: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { parent: Number(fields[1]), group: Number(fields[2]) });
    } catch {}
  }
  return out;
}

/** Processes still in the process group `leader` started (what a stopped launcher may leave behind). */
export const groupMembers = (leader: number): number[] =>
  [...processes()].filter(([, p]) => p.group === leader).map(([pid]) => pid);

/** `pid` and every process below it. */
export function descendants(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const [child, { parent }] of processes()) byParent.set(parent, [...(byParent.get(parent) ?? []), child]);
  const out: number[] = [];
  for (const stack = [pid]; stack.length; ) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(byParent.get(p) ?? []));
  }
  return out;
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

/**
 * The process doing the work under a launcher (npx / npm → sh → tsx → node): the deepest process
 * below `leader` whose command line matches `pattern`, and a live list of it and its children
 * (Chromium, ffmpeg). Throws when there is none.
 */
export function processTree(leader: number, pattern: RegExp): { root: number; pids: () => number[] } {
  const matches = descendants(leader).filter((p) => pattern.test(cmdline(p)));
  const root = matches.find((p) => !descendants(p).some((c) => c !== p && matches.includes(c)));
  if (root === undefined) throw new Error(`no process matching ${pattern} under ${leader}`);
  return { root, pids: () => descendants(root) };
}

/** Waits until `file` holds `text` (a process saying it is ready), polling every 250 ms. */
export async function waitForLine(file: string, text: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    if (readFileSync(file, 'utf8').includes(text)) return;
    await sleep(250);
  }
  throw new Error(`"${text}" did not appear in ${file} within ${timeoutMs / 1000} s`);
}

/** CPU seconds (user + system) each of these processes used so far, by pid; gone ones are left out. */
export function cpuOf(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / 100); // utime + stime, in USER_HZ (100 on Linux)
    } catch {}
  }
  return out;
}

/**
 * CPU seconds a process tree uses from now to `stop()`, sampled every `everyMs`: each process's own
 * time, including processes that start and end meanwhile or leave the tree (a Chromium renderer whose
 * zygote exits first goes to init, which cutime would not count). A floor: a process's last
 * `everyMs` before it ends, and processes shorter than that, are not seen.
 */
export function sampleCpu(pids: () => number[], everyMs = 1000) {
  const base = cpuOf(pids());
  const last = new Map(base);
  const tick = () => {
    for (const [pid, seconds] of cpuOf(pids())) last.set(pid, seconds);
  };
  const timer = setInterval(tick, everyMs);
  timer.unref(); // a bench that fails before stop() still exits
  return {
    stop(): number {
      clearInterval(timer);
      tick();
      let sum = 0;
      for (const [pid, seconds] of last) sum += seconds - (base.get(pid) ?? 0);
      return sum;
    },
  };
}

/** CPU seconds the whole machine spent busy (every core, everything but idle and iowait) so far. */
export function machineCpuSeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return (user + nice + system + irq + softirq + steal) / 100;
}
