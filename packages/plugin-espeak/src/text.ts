import { SCRIPT_PATTERNS } from './alphabets.js';

/** What to do with emoji: leave them out (default) or let eSpeak NG say their names ("rocket"). */
export type EmojiMode = 'strip' | 'speak';

/** Narration ready for eSpeak NG, with a way back to the original text for word timings. */
export interface PreparedText {
  /** Text for `synthesize`: SSML-escaped, without `[[` (eSpeak's phoneme-input marker). */
  input: string;
  /** For each code point of `input`, the index of the code point of the original text it came from. */
  map: number[];
  /** How many emoji were left out. */
  emoji: number;
  /** Characters left out per script the voice cannot read, e.g. `{ Han: 4 }`. */
  scripts: Record<string, number>;
  /** Indices of original code points that are not spoken (emoji, markers, unreadable letters). */
  dropped: Set<number>;
}

// Zero-width characters with no sound: format characters (ZWJ, soft hyphen, bidi marks, tags),
// variation selectors, the keycap mark, skin-tone modifiers and lone surrogates (which would reach
// eSpeak as garbage bytes). Dropped without a trace.
const SILENT = /^(?:\p{Cf}|\p{Cs}|\p{Variation_Selector}|\p{Emoji_Modifier}|\u20E3)$/u;
const CONTROL = /\p{Cc}/u;
// Pictographs, minus the text symbols eSpeak reads well; flags are pairs of regional indicators.
const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
const TEXT_SYMBOLS = new Set(['©', '®', '™']);
const MARK = /\p{M}/u;
const WORD = /[\p{L}\p{N}]/u;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Turn one narration line into eSpeak NG input. The engine runs in SSML mode with `[[...]]` phoneme
 * input, so `& < >` are escaped and doubled brackets undone. Emoji (unless `speak`), markdown
 * emphasis markers and characters of scripts the voice cannot read are left out, and compatibility
 * forms (ＡＢＣ, 𝐁𝐨𝐥𝐝, ①) read as plain ones, so the voice never says "asterisk", "grinning face",
 * "Chinese letter" or a code point number. Pure; called by the plugin before each synthesis.
 */
export function prepareText(text: string, options: { emoji: EmojiMode; reads: (script: string) => boolean }): PreparedText {
  const chars = Array.from(text);
  const markdown = markdownMarkers(chars);
  const out: string[] = [];
  const result: PreparedText = { input: '', map: [], emoji: 0, scripts: {}, dropped: new Set() };
  const emit = (s: string, from: number) => {
    for (const c of Array.from(s)) {
      out.push(c);
      result.map.push(from);
    }
  };
  const drop = (i: number, replacement = '') => {
    result.dropped.add(i);
    emit(replacement, i);
  };
  let droppedBase = false; // combining marks that belonged to a dropped letter go with it

  for (const [i, raw] of chars.entries()) {
    for (const c of Array.from(plainForm(raw))) {
      if (SILENT.test(c) || markdown.has(i) || (droppedBase && MARK.test(c))) {
        drop(i);
        continue;
      }
      droppedBase = false;
      const script = unreadableScript(c, options.reads);
      if (CONTROL.test(c)) {
        drop(i, ' ');
      } else if (options.emoji === 'strip' && isEmoji(c)) {
        result.emoji++;
        drop(i, ' ');
      } else if (script) {
        result.scripts[script] = (result.scripts[script] ?? 0) + 1;
        droppedBase = true;
        drop(i, ' ');
      } else if ((c === '[' || c === ']') && out.at(-1) === c) {
        drop(i); // `[[` starts phoneme input in eSpeak NG: keep one bracket
      } else {
        emit(ESCAPES[c] ?? c, i);
      }
    }
  }
  result.input = out.join('');
  return result;
}

/**
 * True when no letter, digit or symbol is left (all emoji, only punctuation): eSpeak NG would say
 * nothing, or the name of a lone punctuation mark ("exclamation mark").
 */
export const isBlank = (prepared: PreparedText): boolean => !/[\p{L}\p{N}\p{S}]/u.test(prepared.input);

const isEmoji = (c: string): boolean => EMOJI.test(c) && !TEXT_SYMBOLS.has(c);

/** The probed script of `c` when the voice cannot read it. */
function unreadableScript(c: string, reads: (script: string) => boolean): string | undefined {
  if (c.charCodeAt(0) < 0x370) return undefined; // Latin, digits and ASCII punctuation: fast path
  for (const [script, pattern] of SCRIPT_PATTERNS) if (pattern.test(c)) return reads(script) ? undefined : script;
  return undefined;
}

/**
 * Compatibility letters and digits in their plain form (NFKC): fullwidth ＡＢＣ, math bold 𝐁𝐨𝐥𝐝,
 * ℌ, ①, the ideographic space. eSpeak NG would spell their code points ("letter 1d400"). Symbols
 * such as ™ and pictographs such as ℹ keep their own form.
 */
function plainForm(c: string): string {
  const code = c.codePointAt(0)!;
  const compat =
    (code >= 0x2100 && code <= 0x214f) || // letterlike symbols
    (code >= 0x2460 && code <= 0x24ff) || // enclosed alphanumerics
    code === 0x3000 || // ideographic space
    (code >= 0xff01 && code <= 0xff5e) || // fullwidth ASCII
    (code >= 0x1d400 && code <= 0x1d7ff); // mathematical alphanumerics
  return compat && !TEXT_SYMBOLS.has(c) && !EMOJI.test(c) ? c.normalize('NFKC') : c;
}

/**
 * Indices of markdown emphasis markers and backticks: `**bold**`, `*x*`, `_x_`, `` `code` ``. A
 * lone `*` or `_` counts only at a word edge, so `snake_case` and `2 * 3` are kept.
 */
function markdownMarkers(chars: string[]): Set<number> {
  const drop = new Set<number>();
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '`') {
      drop.add(i);
      continue;
    }
    if (c !== '*' && c !== '_') continue;
    let end = i;
    while (chars[end + 1] === c) end++;
    const before = WORD.test(chars[i - 1] ?? '');
    const after = WORD.test(chars[end + 1] ?? '');
    if (end > i || before !== after) for (let k = i; k <= end; k++) drop.add(k);
    i = end;
  }
  return drop;
}
