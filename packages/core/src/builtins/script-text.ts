// Text clean-up for the offline script parser, in single passes: a script line comes from strangers in
// hosted runs, so nothing here may backtrack over the line (no regex with a repeat next to another repeat
// over the same characters, no slice inside a loop).

const SPACE = /\s/;
const isSpace = (c: string | undefined) => c !== undefined && SPACE.test(c);

/** Quote marks that open or close a quoted name: ASCII, curly, full-width and CJK corner brackets. */
const QUOTES = new Set(['"', '“', '”', '＂', '「', '」', '『', '』']);
/** Dashes that separate the narration without spaces around them (`——` is two of them). */
const DASHES = new Set(['—', '–', '－']);

/**
 * Split `command — narration` at the first separator outside quotes: `—`, `——`, `–` or the full-width
 * `－` (spaces around it optional), or ` -- ` or ` | ` (spaces required). One pass over the line.
 * Called by `readLine`.
 */
export function splitNarration(line: string): [string, string | undefined] {
  let quoted = false;
  let gap = 0; // where the run of spaces before `i` starts (`i` itself when there is none)
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (isSpace(c)) continue;
    if (QUOTES.has(c)) quoted = !quoted;
    else if (!quoted) {
      const spaced = gap < i;
      let end = -1;
      if (DASHES.has(c)) {
        end = i + 1;
        while (DASHES.has(line[end]!)) end++;
      } else if (spaced && c === '|' && isSpace(line[i + 1])) end = i + 1;
      else if (spaced && c === '-' && line[i + 1] === '-' && isSpace(line[i + 2])) end = i + 2;
      if (end >= 0) return [line.slice(0, gap), line.slice(end).trim() || undefined];
    }
    gap = i + 1;
  }
  return [line, undefined];
}

/** Leading list markers and filler words a person writes before the action (spaces already collapsed). */
const BULLET = /^(?:(?:\d+[.)]|[-*•]) |\d+、 ?)/;
const FILLER = /^(?:and then|then|now|next|finally|first) ?,? /i;
/** Chinese: "then", "first", "now" …, then an optional "please" (请点击 …); no space needed after them. */
const FILLER_ZH = /^(?:(?:然后|接着|之后|随后|首先|最后|现在|再次|再|先) ?,? ?)?(?:请 ?)?/;

/**
 * Curly, full-width and corner quotes → `"`; single quotes → double; full-width punctuation and digits
 * outside quotes → ASCII (`，：。！` → `,:.!`, `２` → `2`); drop bullets, "then"/"然后", and the final
 * full stop; collapse spaces. Spaces are collapsed first, so no pattern after it meets a long run of
 * them. Linear.
 */
export function normalize(command: string): string {
  const folded = foldWidth(command).replace(/\s+/g, ' ').trim();
  const s = singleToDouble(folded).replace(BULLET, '').replace(FILLER, '').replace(FILLER_ZH, '');
  let end = s.length;
  while (end > 0 && (s[end - 1] === '.' || s[end - 1] === '!')) end--;
  return s.slice(0, end).trimEnd();
}

/** Full-width punctuation a Chinese line is written with, as its ASCII form. */
const WIDE: Record<string, string> = {
  '，': ',',
  '：': ':',
  '；': ';',
  '。': '.',
  '．': '.',
  '！': '!',
  '？': '?',
  '（': '(',
  '）': ')',
  '／': '/',
  '＋': '+',
  '＄': '$',
  '\u3000': ' ',
};

/**
 * One pass: every quote mark in QUOTES → `"`; outside quotes, full-width punctuation and digits →
 * ASCII. Quoted names are kept as written (they are matched against the page).
 */
function foldWidth(text: string): string {
  let out = '';
  let quoted = false;
  for (const c of text) {
    if (QUOTES.has(c)) {
      quoted = !quoted;
      out += '"';
    } else if (quoted) out += c;
    else if (c >= '０' && c <= '９') out += String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    else out += WIDE[c] ?? c;
  }
  return out;
}

const OPENS = new Set(['‘', "'"]);
const CLOSES = new Set(['’', "'"]);
const BEFORE_OPEN = /[\s(]/;
const AFTER_CLOSE = /[\s.,!?)]/;

/**
 * `'Billing'` or `‘Billing’` → `"Billing"` where the opening quote starts a word (line start, space or
 * `(`) and the closing one ends it (line end, space or `.,!?)`); apostrophes (`don't`) stay. The same
 * matches as `/(^|[\s(])[‘'](.+?)[’'](?=$|[\s.,!?)])/g` on a line without line breaks, found in two
 * passes instead of a lazy scan from every quote: right to left, the next quote that can close each
 * position; then left to right, the pairs.
 */
function singleToDouble(text: string): string {
  const n = text.length;
  const nextClose = new Int32Array(n + 2).fill(-1);
  for (let j = n - 1; j >= 0; j--) {
    const closes = CLOSES.has(text[j]!) && (j + 1 === n || AFTER_CLOSE.test(text[j + 1]!));
    nextClose[j] = closes ? j : nextClose[j + 1]!;
  }
  let out = '';
  let from = 0; // copied up to here
  for (let i = 0; i < n; i++) {
    if (!OPENS.has(text[i]!)) continue;
    // (the character before can never be the previous match's closing quote: that is no space or `(`)
    const opens = i === 0 || BEFORE_OPEN.test(text[i - 1]!);
    const close = opens ? nextClose[i + 2]! : -1; // at least one character between the quotes
    if (close < 0) continue;
    out += `${text.slice(from, i)}"${text.slice(i + 1, close)}"`;
    from = close + 1;
    i = close;
  }
  return out + text.slice(from);
}
