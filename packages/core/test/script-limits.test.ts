// The offline script parser against hostile input: every line and script over its limit is refused
// before parsing, parsing time grows linearly with the line, and the one-pass text helpers give the
// same results as the regular expressions they replaced (checked on random lines).
import { LIMITS, parseLine, parseScript, type ShowrunnerError, scriptParser } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { readLine } from '../src/builtins/script.js';
import { normalize, splitNarration } from '../src/builtins/script-text.js';
import { HOSTILE, leastTimes } from './hostile-lines.js';
import { parseContext } from './parse-context.js';

const SIZES = [10_000, 20_000, 40_000];

function caught(fn: () => unknown): ShowrunnerError {
  try {
    fn();
  } catch (err) {
    return err as ShowrunnerError;
  }
  throw new Error('expected an error');
}

describe('script limits', () => {
  it('a line over scriptLineChars fails with SR_LIMIT_EXCEEDED naming the line and the limit', () => {
    const long = `click "${'a'.repeat(LIMITS.scriptLineChars)}"`;
    const err = caught(() => parseScript(`go to /\n\n${long}`));
    expect(err).toMatchObject({ code: 'SR_LIMIT_EXCEEDED', stage: 'parse', field: 'line 3' });
    expect(err.message).toBe(`The length of line 3 is ${long.length}, over the limit scriptLineChars = 2000.`);
    expect(caught(() => parseLine(long, 7)).field).toBe('line 7');
  });

  it('a line of exactly scriptLineChars is read', () => {
    const name = 'a'.repeat(LIMITS.scriptLineChars - 'click ""'.length);
    expect(parseLine(`click "${name}"`).target).toEqual({ name });
  });

  it('a script over descriptionChars fails before any line is read', () => {
    const script = 'click "Next"\n'.repeat(Math.ceil(LIMITS.descriptionChars / 13) + 1);
    const err = caught(() => parseScript(script));
    expect(err).toMatchObject({ code: 'SR_LIMIT_EXCEEDED', field: 'description' });
    expect(err.message).toBe(`The length of the script is ${script.length}, over the limit descriptionChars = 20000.`);
    expect(parseScript(script.slice(0, 13 * 1000)).steps).toHaveLength(1000);
  });

  it('the parse stage and single-step mode enforce both limits', async () => {
    const parser = scriptParser();
    const ctx = parseContext('untrusted');
    const huge = 'click "Next"\n'.repeat(2000);
    await expect(parser.run({ url: 'https://a.test', description: huge }, ctx)).rejects.toMatchObject({
      code: 'SR_LIMIT_EXCEEDED',
      field: 'description',
    });
    const { demo } = await parser.run({ url: 'https://a.test', description: 'go to /\nclick "Old"' }, ctx);
    const plan = (instruction: string) => parser.planStep!({ demo, index: 1, instruction }, ctx);
    await expect(plan(huge)).rejects.toMatchObject({ code: 'SR_LIMIT_EXCEEDED', field: 'instruction' });
    await expect(plan(`click "Menu"\n${'x'.repeat(2001)}`)).rejects.toMatchObject({
      code: 'SR_LIMIT_EXCEEDED',
      field: 'line 2',
      message: expect.stringContaining('scriptLineChars = 2000'),
    });
  });

  it.each(Object.keys(HOSTILE))('hostile line "%s" at 10k, 20k, 40k characters: refused by parseScript', (name) => {
    for (const n of SIZES) {
      const line = HOSTILE[name]!(n);
      expect(line).toHaveLength(n);
      expect(caught(() => parseScript(line)).code).toBe('SR_LIMIT_EXCEEDED');
    }
  });
});

describe('parsing time is linear in the line', () => {
  // Linear growth makes the 40k line cost ~4× the 10k one; quadratic growth ~16×. The bound sits
  // between them, on the least of 15 timings, so load on the machine cannot fake a pass or a fail.
  it.each(Object.keys(HOSTILE))('"%s": 40k costs under 8× 10k', (name) => {
    const lines = SIZES.map((n) => HOSTILE[name]!(n));
    const [t10, t20, t40] = leastTimes(lines, (line) => {
      try {
        readLine(line);
      } catch {
        // most hostile lines are not sentences; the time to say so is what is measured
      }
    });
    const ratio = t40! / t10!;
    expect(ratio, `10k ${t10!.toFixed(3)} ms, 20k ${t20!.toFixed(3)} ms, 40k ${t40!.toFixed(3)} ms`).toBeLessThan(8);
  });
});

/**
 * The separator rule as the regular expression that defined it (quadratic; fine on short lines), with
 * the Chinese additions: corner and full-width quotes, `－`, and a run of dashes (`——`) as one separator.
 */
function regexSplit(line: string): [string, string | undefined] {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if ('"“”＂「」『』'.includes(c!)) quoted = !quoted;
    if (quoted) continue;
    const sep = /^(\s*[—–－]+\s*|\s+--\s+|\s+\|\s+)/.exec(line.slice(i));
    if (sep) return [line.slice(0, i), line.slice(i + sep[0].length).trim() || undefined];
  }
  return [line, undefined];
}

/**
 * Normalisation as the chain of regular expressions that defined it, on the trimmed command: the chain
 * kept a final full stop or a leading "then" when spaces surrounded the line (single-step lines are
 * not trimmed), which the one-pass version no longer does.
 */
function regexNormalize(command: string): string {
  return command
    .trim()
    .replace(/[“”＂「」『』]/g, '"')
    .replace(/(^|[\s(])[‘'](.+?)[’'](?=$|[\s.,!?)])/g, '$1"$2"')
    .replace(/^\s*(?:\d+[.)]|[-*•])\s+/, '')
    .replace(/^(?:and\s+then|then|now|next|finally|first)\s*,?\s+/i, '')
    .replace(/\s*[.!]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('the one-pass helpers read lines as the regular expressions did', () => {
  // Pieces that matter to some rule, so random lines hit the edge cases often.
  const PIECES = [
    '"',
    '“',
    '”',
    "'",
    '‘',
    '’',
    ' ',
    '  ',
    '\t',
    '-',
    '--',
    '—',
    '–',
    '|',
    '.',
    '!',
    '(',
    ')',
    ',',
    '?',
    '－',
    '「',
    '」',
  ];
  const WORDS = ['a', 'ab', '1.', '2)', '*', '•', 'then', 'and then', 'Now', 'first', 'click', 'x'];
  let seed = 7; // mulberry32: a seeded generator, so a failure names lines that fail again
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const pick = (xs: string[]) => xs[Math.floor(random() * xs.length)]!;
  const lines = Array.from({ length: 20_000 }, () =>
    Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.6 ? pick(PIECES) : pick(WORDS))).join(''),
  );

  it('splitNarration: 20,000 random lines, no difference', () => {
    const differ = lines.filter((l) => JSON.stringify(splitNarration(l)) !== JSON.stringify(regexSplit(l)));
    expect(differ).toEqual([]);
  });

  it('normalize: 20,000 random lines, no difference', () => {
    const differ = lines.filter((l) => normalize(l) !== regexNormalize(l));
    expect(differ.map((l) => [l, normalize(l), regexNormalize(l)])).toEqual([]);
  });
});
