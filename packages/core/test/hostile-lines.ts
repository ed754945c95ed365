// Script lines built to make a backtracking parser slow: long runs of what each text pass and each
// sentence form repeats (quotes, spaces, separators that almost match, key chords, domains, role
// words), each ending so that the form fails late. Shared by script-limits.test.ts and bench/script.ts.

/** `head`, then `unit` repeated, then `tail`, exactly `n` characters long. */
function fill(head: string, unit: string, tail: string, n: number): string {
  const body = n - head.length - tail.length;
  return head + unit.repeat(Math.ceil(body / unit.length)).slice(0, body) + tail;
}

/** Name → line of `n` characters. */
export const HOSTILE: Record<string, (n: number) => string> = {
  'double quotes': (n) => fill('', '"', '', n),
  'spaces before a word': (n) => fill('click', ' ', 'x', n),
  'tabs and no-break spaces': (n) => fill('a', ' \t\u00a0', 'a', n),
  'one letter': (n) => fill('', 'a', '', n),
  'type "': (n) => fill('', 'type "', '', n),
  'spaces then a dash': (n) => fill('click "a"', ' ', ' -x', n),
  'almost --': (n) => fill('click "a"', ' --x', '', n),
  'almost |': (n) => fill('click "a"', ' |x', '', n),
  'single quotes that never close': (n) => fill('click', " 'a", '', n),
  apostrophes: (n) => fill('click', "'a", '', n),
  'curly quotes': (n) => fill('click ', '“a', '', n),
  'full stops': (n) => fill('click "a"', '.', 'x', n),
  'spaced full stops': (n) => fill('click "a"', ' .', ' x', n),
  'list markers': (n) => fill('', '1. ', 'x', n),
  'filler words': (n) => fill('', 'then, ', 'x', n),
  'domain labels': (n) => fill('go to ', 'a.', 'a #', n),
  path: (n) => fill('go to /', 'a/', ' x', n),
  'key chord': (n) => fill('press ', 'ctrl + ', 'enter key x', n),
  'role words': (n) => fill('click the ', 'button ', '"a" x', n),
  'quoted words': (n) => fill('hover ', '"a" ', 'x', n),
  'select from': (n) => fill('choose "a" from ', '"b" ', 'x', n),
  'fill with': (n) => fill('fill "a" with ', '$a', ' x', n),
  'into the the': (n) => fill('type "a" into ', 'the ', '"b" x', n),
  digits: (n) => fill('scroll down by ', '1', ' pixels x', n),
  'wait digits': (n) => fill('wait ', '1', '.5 s x', n),
  'bare Chinese name': (n) => fill('点击', '登', '按钮 x', n),
  'Chinese field then 中输入': (n) => fill('在', '中输入"a"', 'x', n),
  'Chinese secrets': (n) => fill('在邮箱中输入', '$a中输入', 'x', n),
  'corner quotes': (n) => fill('点击', '「a」', 'x', n),
  'full-width dashes in quotes': (n) => fill('点击“', '——', '', n),
  'Chinese scroll': (n) => fill('向下滚动 ', '1', ' 像素x', n),
  'Chinese select': (n) => fill('在', '中选择"a"', 'x', n),
};

/** An equal string that is a new object, so no engine cache keyed on the string answers for it. */
const copy = (line: string) => `.${line}`.slice(1);

/**
 * Least time of `samples` runs of `fn` on each line (the least is the one least disturbed by other
 * work on the machine), sizes interleaved so that drift hits them alike. Milliseconds per size.
 */
export function leastTimes(lines: string[], fn: (line: string) => unknown, samples = 15): number[] {
  const best = lines.map(() => Number.POSITIVE_INFINITY);
  for (const line of lines) fn(copy(line)); // warm up the JIT on every size
  for (let s = 0; s < samples; s++) {
    lines.forEach((line, i) => {
      const subject = copy(line);
      const t = performance.now();
      fn(subject);
      best[i] = Math.min(best[i]!, performance.now() - t);
    });
  }
  return best;
}
