// Benchmark of the offline script parser on hostile lines (test/hostile-lines.ts): the least of 15
// timings of one line at 10k, 20k, 40k and 80k characters, and the 80k/10k ratio (linear ≈ 8,
// quadratic ≈ 64). The lines are far over LIMITS.scriptLineChars, so this times `readLine`, the parser
// behind the limit check. Run: cd packages/core && npx tsx bench/script.ts   (one JSON line per form)
import os from 'node:os';
import { readLine } from '../src/builtins/script.js';
import { HOSTILE, leastTimes } from '../test/hostile-lines.js';

const SIZES = [10_000, 20_000, 40_000, 80_000];
const round = (x: number) => Number(x.toFixed(3));

console.log(JSON.stringify({ bench: 'core script parser, hostile lines', node: process.version, loadavg_1m: os.loadavg()[0] }));
let worst = 0;
for (const [name, make] of Object.entries(HOSTILE)) {
  const ms = leastTimes(
    SIZES.map((n) => make(n)),
    (line) => {
      try {
        readLine(line);
      } catch {
        // not a sentence: the time to say so is what is measured
      }
    },
  );
  const ratio = ms[3]! / ms[0]!;
  worst = Math.max(worst, ratio);
  console.log(
    JSON.stringify({
      line: name,
      ms: Object.fromEntries(SIZES.map((n, i) => [`${n / 1000}k`, round(ms[i]!)])),
      ratio_80k_10k: round(ratio),
    }),
  );
}
console.log(JSON.stringify({ worst_ratio_80k_10k: round(worst) }));
