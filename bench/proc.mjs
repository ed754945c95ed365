// Peak memory of a process tree, sampled from /proc every 100 ms: summed PSS (shared pages split
// fairly between processes, so Chromium's many processes are not double-counted) and summed RSS.
import { readdirSync, readFileSync } from 'node:fs';

function children() {
  const byParent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(name));
    } catch {}
  }
  return byParent;
}

function treeOf(pid) {
  const byParent = children();
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
 * often); `stop()` returns the peaks in bytes.
 */
export function sampleMemory(pid = process.pid, everyMs = 100) {
  const peak = { rss: 0, pss: 0 };
  const tick = () => {
    const sum = { rss: 0, pss: 0 };
    for (const p of treeOf(pid)) {
      const m = memoryOf(p);
      sum.rss += m.rss;
      sum.pss += m.pss;
    }
    peak.rss = Math.max(peak.rss, sum.rss);
    peak.pss = Math.max(peak.pss, sum.pss);
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
