// Peak memory and CPU of a process tree, sampled from /proc every 100 ms: summed PSS (shared pages split
// fairly between processes, so Chromium's many processes are not double-counted) and summed RSS, and the
// same for a named group inside it (the browser and ffmpeg: what a record worker must budget for).
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const HZ = 100;

function processes() {
  const byParent = new Map();
  const info = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(name));
      info.set(Number(name), { comm, ticks: Number(fields[11]) + Number(fields[12]) }); // utime + stime
    } catch {}
  }
  return { byParent, info };
}

function treeOf(pid, byParent) {
  const out = [];
  for (const stack = [pid]; stack.length; ) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(byParent.get(p) ?? []));
  }
  return out;
}

function memoryOf(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rss: kb('Rss') * 1024, pss: kb('Pss') * 1024 };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/**
 * Start sampling the tree under `pid` (default: this process) every `everyMs` (default 100; each sample
 * reads every process's /proc entry, so a bench sharing 2 cores with what it measures samples less
 * often); `stop()` returns the peaks in bytes. `group` (default: Chromium and ffmpeg processes) also gets
 * its own peak memory and its CPU use in cores: the peak over 1 s windows and the mean while it ran.
 */
export function sampleMemory(pid = process.pid, everyMs = 100, group = /^(chrom|headless|ffmpeg)/) {
  const peak = { rss: 0, pss: 0, group: { rss: 0, pss: 0, cpuPeak: 0, cpuMean: 0 } };
  const last = new Map(); // pid → ticks at the previous sample
  let window = { start: performance.now(), ticks: 0 };
  let busy = { ms: 0, ticks: 0 };
  const tick = () => {
    const { byParent, info } = processes();
    const sum = { rss: 0, pss: 0 };
    const inGroup = { rss: 0, pss: 0 };
    let ticks = 0;
    for (const p of treeOf(pid, byParent)) {
      const m = memoryOf(p);
      sum.rss += m.rss;
      sum.pss += m.pss;
      const proc = info.get(p);
      if (!proc || !group.test(proc.comm)) continue;
      inGroup.rss += m.rss;
      inGroup.pss += m.pss;
      ticks += proc.ticks - (last.get(p) ?? 0);
      last.set(p, proc.ticks);
    }
    peak.rss = Math.max(peak.rss, sum.rss);
    peak.pss = Math.max(peak.pss, sum.pss);
    peak.group.rss = Math.max(peak.group.rss, inGroup.rss);
    peak.group.pss = Math.max(peak.group.pss, inGroup.pss);
    window.ticks += ticks;
    const now = performance.now();
    if (now - window.start >= 1000) {
      const cores = window.ticks / HZ / ((now - window.start) / 1000);
      peak.group.cpuPeak = Math.max(peak.group.cpuPeak, cores);
      if (inGroup.pss > 0) busy = { ms: busy.ms + (now - window.start), ticks: busy.ticks + window.ticks };
      window = { start: now, ticks: 0 };
    }
    peak.group.cpuMean = busy.ms ? busy.ticks / HZ / (busy.ms / 1000) : 0;
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return peak;
    },
  };
}
