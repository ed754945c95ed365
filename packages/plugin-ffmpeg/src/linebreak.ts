// Line breaking for captions in any script: Latin and Arabic break at spaces, Chinese and Japanese
// between any two characters (they use no spaces), punctuation decides where a break is best.

/** Characters of scripts written without spaces: a line may break before each of them. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff01-\uff60]/u;
/** Characters drawn two columns wide (East Asian wide and fullwidth), for line lengths. */
const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;
/** Never at the start of a line: they stay with the character before them. */
const CLOSING = /[，。、！？；：」』）》〉】〕〗”’,.;:!?)\]}%…ー々ゝゞ・،؛؟۔]/u;
/** Never at the end of a line: they stay with the character after them. */
const OPENING = /[「『（《〈【〔〖“‘([{]/u;
/** A sentence ends after these (Latin, CJK, Arabic and Urdu forms). */
export const SENTENCE_END = /[.!?。！？؟۔]$/u;
/** A clause ends after these: the best place for a break inside a sentence. */
const CLAUSE_END = /[,;:，、；：،؛]$/u;

/** A piece of text no line break may split: a spaced word, or one CJK character with its punctuation. */
export interface Unit {
  text: string;
  /** A space comes before it in the text. */
  space: boolean;
}

/**
 * Split one line of plain text into units. Spaced scripts (Latin, Arabic, Hebrew, Hangul...) give a
 * unit per word, so a Latin word inside Chinese stays whole; each Han or kana character is a unit of
 * its own; closing punctuation joins the unit before it and opening punctuation the one after.
 */
export function units(text: string): Unit[] {
  const out: Unit[] = [];
  let space = false;
  let open = false; // the current unit still takes characters (a spaced word, or an opening mark)
  for (const c of text) {
    if (/\s/u.test(c)) {
      space = out.length > 0;
      open = false;
      continue;
    }
    const last = out.at(-1);
    if (last && CLOSING.test(c) && !OPENING.test(c)) {
      last.text += space ? ` ${c}` : c;
    } else if (last && open && (!UNSPACED.test(c) || OPENING.test([...last.text].at(-1)!))) {
      last.text += c;
      open = !UNSPACED.test(c) || OPENING.test(c);
    } else {
      out.push({ text: c, space });
      open = !UNSPACED.test(c) || OPENING.test(c);
    }
    if (OPENING.test(c)) open = true;
    space = false;
  }
  return out;
}

/** Whether words `a` and `b` are written with a space between them when the source does not say: not before closing punctuation, not next to CJK. */
export function spaceBetween(a: string, b: string): boolean {
  const end = [...a].at(-1) ?? '';
  const start = [...b][0] ?? '';
  return !(CLOSING.test(start) || OPENING.test(end) || UNSPACED.test(end) || UNSPACED.test(start));
}

/** Units back to text, with a space only where the text had one. */
export const joinUnits = (list: readonly Unit[]): string =>
  list.map((u, i) => (i > 0 && u.space ? ` ${u.text}` : u.text)).join('');

/** Display width in columns: CJK characters count two, combining marks none, the rest one. */
export function width(text: string): number {
  let n = 0;
  for (const c of text) n += WIDE.test(c) ? 2 : /\p{M}/u.test(c) ? 0 : 1;
  return n;
}

/** Bonus for a break after `unit` (in squared columns): clause ends are good, sentence ends better. */
const breakBonus = (unit: Unit | undefined) =>
  !unit ? 0 : SENTENCE_END.test(unit.text) ? 900 : CLAUSE_END.test(unit.text) ? 600 : 0;

/**
 * Minimum-raggedness split of units into parts of at most `max` columns (dynamic programming, as in
 * text justification): parts come out even, and a cut after punctuation is preferred. A single unit
 * wider than `max` (a very long word) is a part of its own.
 */
export function balance(list: readonly Unit[], max: number): string[] {
  const n = list.length;
  const best = new Array<number>(n + 1).fill(Infinity);
  const cut = new Array<number>(n + 1).fill(0);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    for (let i = j - 1; i >= 0; i--) {
      const w = width(joinUnits(list.slice(i, j)));
      if (w > max && j - i > 1) break;
      const cost = best[i]! + (max - w) ** 2 - (j < n ? breakBonus(list[j - 1]) : 0);
      if (cost < best[j]!) {
        best[j] = cost;
        cut[j] = i;
      }
    }
  }
  const parts: string[] = [];
  for (let j = n; j > 0; j = cut[j]!) parts.unshift(joinUnits(list.slice(cut[j]!, j)));
  return parts;
}

/**
 * Two balanced lines for a cue wider than `max` columns, joined by `\n`: the break goes between
 * units, where the halves are most even, moved up to 8 columns to fall after punctuation.
 */
export function wrapLines(text: string, max: number): string {
  if (width(text) <= max) return text;
  const list = units(text);
  let bestAt = -1;
  let bestCost = Infinity;
  const total = width(joinUnits(list));
  for (let k = 1; k < list.length; k++) {
    const left = width(joinUnits(list.slice(0, k)));
    const cost = Math.abs(2 * left - total) - (breakBonus(list[k - 1]) ? 16 : 0);
    if (cost < bestCost) {
      bestCost = cost;
      bestAt = k;
    }
  }
  if (bestAt < 0) return text;
  return `${joinUnits(list.slice(0, bestAt))}\n${joinUnits(list.slice(bestAt).map((u, i) => (i ? u : { ...u, space: false })))}`;
}

/** Sentences of a line as units, each ending at `.`, `!`, `?` or their CJK forms. */
export function sentences(text: string): Unit[][] {
  const out: Unit[][] = [[]];
  for (const unit of units(text)) {
    out.at(-1)!.push(unit);
    if (SENTENCE_END.test(unit.text)) out.push([]);
  }
  return out.filter((s) => s.length);
}
