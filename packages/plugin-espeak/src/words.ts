import type { WordTiming } from '@showrunner/core';
import type { EngineEvent } from './engine.js';

/** Trailing silence is found in frames of this length... */
const FRAME_MS = 5;
/** ...whose peak stays below this (about -40 dBFS). */
const SILENCE = 320;
const SAYABLE = /[\p{L}\p{N}]/u;

/**
 * Word timings for a clip, one per written word of the narration (see writtenWords), so captions can
 * show exactly the written words. eSpeak NG's word events do not map one to one: a number is
 * several events ("$5.99"), short words are merged ("of a") and a position can lag a word behind
 * ("live in"). So events are grouped by the written word they point into, a surplus event moves
 * on to a following word that has none, and words still without one share their neighbour's time
 * by length. Each word ends where the next starts, minus the pause after it (found in the samples).
 * Called by the plugin after each synthesis.
 *
 * @param map for each code point of the engine's input, the index into `source` it came from
 * @param source the narration as code points, with left-out ones replaced by ''
 */
export function wordTimings(
  events: EngineEvent[],
  map: readonly number[],
  source: readonly string[],
  samples: Int16Array,
  sampleRate: number,
): WordTiming[] {
  const durationMs = (samples.length / sampleRate) * 1000;
  const { tokenOf, texts } = writtenWords(source);
  const hits = events
    .filter((e) => e.type === 'word')
    .map((e) => ({ token: tokenOf[map[e.textPosition - 1] ?? -1] ?? -1, ms: Math.min(e.audioMs, durationMs) }))
    .filter((h) => h.token >= 0);
  const starts = new Map<number, number>(); // token → ms
  let last = -1;
  for (const [k, hit] of hits.entries()) {
    let token = hit.token;
    if (token <= last) {
      const nextHit = hits.slice(k + 1).find((h) => h.token > last)?.token ?? texts.length;
      // An extra event inside a word (a number's parts), unless the next word has none of its own.
      if (token < last || last + 1 >= nextHit || !SAYABLE.test(texts[last + 1]!)) continue;
      token = last + 1; // the event lags a word behind
    }
    starts.set(token, Math.max(hit.ms, starts.get(last) ?? 0));
    last = token;
  }
  const timed = fillGaps(starts, texts, durationMs);
  return timed.map(({ token, ms }, k) => {
    const next = Math.max(ms, timed[k + 1]?.ms ?? durationMs);
    return { text: texts[token]!, startMs: ms, endMs: Math.min(next, soundEnd(samples, sampleRate, ms, next)) };
  });
}

/**
 * Every sayable word in order with a start time: words without an event split the time between
 * the timed words around them in proportion to their length. Words of punctuation only that got
 * no event (a dash) are left out, as nothing was said for them.
 */
function fillGaps(starts: Map<number, number>, texts: string[], durationMs: number): { token: number; ms: number }[] {
  const out: { token: number; ms: number }[] = [];
  let pending: number[] = []; // untimed words after the last timed one, plus that one
  const flush = (untilMs: number) => {
    if (!pending.length) return;
    const [first, ...rest] = pending;
    const fromMs = starts.get(first!) ?? 0;
    const lengths = pending.map((t) => texts[t]!.length);
    const total = lengths.reduce((a, b) => a + b, 0);
    let at = fromMs;
    out.push({ token: first!, ms: fromMs });
    for (const [i, token] of rest.entries()) {
      at += ((untilMs - fromMs) * lengths[i]!) / total;
      out.push({ token, ms: at });
    }
    pending = [];
  };
  for (let token = 0; token < texts.length; token++) {
    const ms = starts.get(token);
    if (ms !== undefined) {
      flush(ms);
      pending = [token];
    } else if (SAYABLE.test(texts[token]!) && (pending.length || out.length === 0)) {
      if (!pending.length) starts.set(token, 0); // words before the first event start the clip
      pending.push(token);
    }
  }
  flush(durationMs);
  return out;
}

/** Han, kana and other scripts written without spaces: each character is a word of its own (eSpeak NG times each one). */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/**
 * Split code points into words: the word index of each code point (-1 for none). Words are
 * whitespace-separated, except that each character of a script written without spaces (Chinese,
 * Japanese...) starts a word, and so does a letter or digit right after one ("点击Save"); punctuation
 * stays with the word before it ("名字。").
 */
function writtenWords(source: readonly string[]): { tokenOf: number[]; texts: string[] } {
  const tokenOf: number[] = [];
  const texts: string[] = [];
  let inWord = false;
  let unspaced = false; // the current word is one such character
  for (const c of source) {
    if (/\s/.test(c)) {
      inWord = false;
      tokenOf.push(-1);
      continue;
    }
    const own = UNSPACED.test(c);
    if (!inWord || own || (unspaced && SAYABLE.test(c))) {
      texts.push('');
      unspaced = own;
    }
    inWord = true;
    tokenOf.push(texts.length - 1);
    texts[texts.length - 1] += c;
  }
  // Words made only of left-out characters ('') count as spaces.
  let kept = 0;
  const renumber = texts.map((t) => (t === '' ? -1 : kept++));
  return { tokenOf: tokenOf.map((t) => (t < 0 ? -1 : renumber[t]!)), texts: texts.filter((t) => t !== '') };
}

/** End (ms) of the last non-silent frame in [fromMs, toMs), or `fromMs` when all of it is silent. */
function soundEnd(samples: Int16Array, sampleRate: number, fromMs: number, toMs: number): number {
  const frame = Math.max(1, Math.round((FRAME_MS / 1000) * sampleRate));
  const from = Math.floor((fromMs / 1000) * sampleRate);
  let end = Math.min(samples.length, Math.ceil((toMs / 1000) * sampleRate));
  while (end > from) {
    const begin = Math.max(from, end - frame);
    for (let i = begin; i < end; i++) {
      if (Math.abs(samples[i]!) >= SILENCE) return Math.max(fromMs, Math.round((end / sampleRate) * 1000));
    }
    end = begin;
  }
  return fromMs;
}
