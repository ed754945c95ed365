/**
 * Text preparation for Kokoro: what the voice can say, and pieces short enough for the model. Pure
 * functions; the plugin calls them once per clip, before synthesis.
 */

/** Emoji and their glue (skin tones, joiners, variation selectors, keycaps, flags, tags); © ® ™ stay. */
const EMOJI =
  /(?![©®™])\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|[\u200d\ufe0e\ufe0f\u20e3\u{e0020}-\u{e007f}]/gu;
/** Letters of scripts the English voices cannot read (espeak would say "chinese letter"), control and format characters. */
const UNSPEAKABLE = /[^\p{Script=Latin}\p{Script=Greek}\p{Script=Common}\p{Script=Inherited}\s]|[\p{Cc}\p{Cf}]/gu;

const GLUE = /^(?:[\p{Cc}\p{Cf}]|\ufe0e|\ufe0f|\u20e3)$/u;

/** Narration as the voice should get it, and the characters that were dropped (for a warning). */
export interface CleanText {
  text: string;
  dropped: string[];
}

/**
 * Make narration speakable: NFKC (full-width and ligature letters become plain ones), emoji and
 * unsupported scripts removed (eSpeak, Kokoro's phonemizer, would read 🎉 as "party popper"), all
 * whitespace collapsed to single spaces (kokoro-js 1.2.1's sentence splitter can loop forever on a
 * newline after an @mention or URL). Text with nothing speakable left becomes "".
 */
export function cleanText(raw: string): CleanText {
  const dropped = new Set<string>();
  // invisible glue (joiners, soft hyphens, variation selectors) vanishes; anything visible becomes a space
  const drop = (m: string) => {
    if (GLUE.test(m)) return /\s/u.test(m) ? ' ' : '';
    dropped.add(m);
    return ' ';
  };
  let text = raw.normalize('NFKC').replace(EMOJI, drop).replace(UNSPEAKABLE, drop);
  text = text.replace(/\s+/gu, ' ').trim();
  if (!/[\p{L}\p{N}\p{S}]/u.test(text)) text = '';
  return { text, dropped: [...dropped] };
}

/** A clause or sentence this long (in characters) is split before synthesis: ~1.1 phonemes per character. */
export const MAX_PIECE_CHARS = 400;

/**
 * Split `text` in two near its middle: after a clause mark (, ; : — – …) if there is one, else at a
 * space. Returns `[text]` when there is nothing to split at (a single word).
 */
export function halve(text: string): [string] | [string, string] {
  const mid = text.length / 2;
  const best = (re: RegExp) => {
    let at = -1;
    for (const m of text.matchAll(re)) {
      const end = m.index + m[0].length;
      if (end > 0 && end < text.length && (at < 0 || Math.abs(end - mid) < Math.abs(at - mid))) at = end;
    }
    return at;
  };
  const clause = best(/[,;:—–…]\s+/gu);
  // prefer a clause break unless it is badly off-centre (within the middle half of the text)
  const at = clause >= 0 && Math.abs(clause - mid) <= text.length / 4 ? clause : best(/\s+/gu);
  if (at < 0) return [text];
  return [text.slice(0, at).trim(), text.slice(at).trim()];
}

/** Split into pieces of at most `max` characters (halving, so pieces stay similar in size). */
export function shorten(text: string, max = MAX_PIECE_CHARS): string[] {
  if (text.length <= max) return [text];
  const parts = halve(text);
  return parts.length === 1 ? parts : parts.flatMap((p) => shorten(p, max));
}
