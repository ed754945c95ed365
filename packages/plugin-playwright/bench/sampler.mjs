// Memory/CPU sampler for bench/record.ts, run as a separate process so its own /proc scanning
// does not count against the recorder. Usage: node sampler.mjs <root pid>; write anything to its
// stdin to stop it, and it prints { peakPssMb, cpuSeconds } for <root pid>'s descendants (itself excluded).
import { readdirSync, readFileSync } from 'node:fs';

const root = Number(process.argv[2]);
const CLK_TCK = 100; // Linux USER_HZ

function procs() {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(d), ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // ended between readdir and read
    }
  }
  return out;
}

function descendants(all) {
  const kids = new Map();
  for (const p of all) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
  const found = [];
  const walk = (pid) => {
    for (const k of kids.get(pid) ?? []) {
      if (k.pid === process.pid) continue;
      found.push(k);
      walk(k.pid);
    }
  };
  walk(root);
  return found;
}

function pssKb(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

let peakKb = 0;
const ticks = new Map();
const timer = setInterval(() => {
  let sum = 0;
  for (const k of descendants(procs())) {
    sum += pssKb(k.pid);
    ticks.set(k.pid, k.ticks);
  }
  peakKb = Math.max(peakKb, sum);
}, 100);

process.stdin.once('data', () => {
  clearInterval(timer);
  const cpu = [...ticks.values()].reduce((a, b) => a + b, 0) / CLK_TCK;
  process.stdout.write(JSON.stringify({ peakPssMb: peakKb / 1024, cpuSeconds: cpu }));
  process.exit(0);
});
