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

/** CPU seconds a process tree used so far: its live processes' own time plus what they reaped of their exited children. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
    } catch {}
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** CPU seconds the whole machine spent busy (every core, everything but idle and iowait) so far. */
export function machineCpuSeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return (user + nice + system + irq + softirq + steal) / 100;
}
