import type { WordTiming } from '@showrunner/core';
import { balance, SENTENCE_END, sentences, spaceBetween, width, wrapLines } from './linebreak.js';
import type { Shot } from './model.js';
import { plainText, WJ } from './text.js';
import type { Timeline } from './timeline.js';

/** One caption on the final timeline (ms). */
export interface Cue {
  startMs: number;
  endMs: number;
  /** One or two lines of plain text (no control characters), joined by `\n`; escaped per format on output. */
  text: string;
  stepId: string;
}

/** Columns per caption line (a CJK character is two): 42 Latin characters or 21 Chinese ones. */
const LINE_WIDTH = 42;
const CUE_WIDTH = 2 * LINE_WIDTH;
/** A cue stays this long after its last word, unless the next one starts. */
const LINGER_MS = 250;

/**
 * Captions from the narration: each line is split at sentence ends and into cues of two lines of
 * at most 42 columns (see linebreak.ts: spaces in Latin and Arabic, any character in Chinese and
 * Japanese, preferring punctuation), timed by the voice's word timings when it gave them, else
 * spread over the clip's measured speech span by length. Called once per merge, after the
 * timeline is planned.
 */
export function buildCues(shots: Shot[], timeline: Timeline): Cue[] {
  const cues: Cue[] = [];
  for (const [k, shot] of shots.entries()) {
    const { clip } = shot;
    const said = plainText(clip.text);
    if (!said || clip.levels.offsetMs <= clip.levels.onsetMs) continue;
    const at = timeline.clipStartMs[k]!;
    const timed = clip.words?.length ? fromWords(clip.words, said) : fromText(said, clip.levels.onsetMs, clip.levels.offsetMs);
    for (const c of timed)
      cues.push({ startMs: at + c.startMs, endMs: at + c.endMs + LINGER_MS, text: wrap(c.text), stepId: shot.id });
  }
  for (const [i, cue] of cues.entries()) {
    const next = cues[i + 1];
    cue.startMs = Math.round(cue.startMs);
    cue.endMs = Math.round(next ? Math.min(cue.endMs, next.startMs) : cue.endMs);
    cue.endMs = Math.min(Math.max(cue.endMs, cue.startMs + 1), Math.round(timeline.mainEndMs));
  }
  return cues.filter((c) => c.endMs > c.startMs);
}

interface Timed {
  text: string;
  startMs: number;
  endMs: number;
}

/**
 * Group words into cues: a new cue after a sentence end or when the next word would overflow.
 * Words are joined as they are spaced in `said` (Chinese words, one character each, join without
 * a space); a word not found there joins with a space, or without one after CJK.
 */
function fromWords(words: WordTiming[], said: string): Timed[] {
  const out: Timed[] = [];
  let current: Timed | undefined;
  let cursor = 0;
  for (const w of words) {
    const text = plainText(w.text);
    if (!text) continue;
    const found = said.indexOf(text, cursor);
    const spaced = found >= 0 ? /\s/.test(said.slice(cursor, found)) : spaceBetween(current?.text ?? '', text);
    if (found >= 0) cursor = found + text.length;
    const joined = current ? (spaced ? `${current.text} ${text}` : current.text + text) : text;
    if (current && width(joined) <= CUE_WIDTH && !SENTENCE_END.test(current.text)) {
      current.text = joined;
      current.endMs = Math.max(current.endMs, w.endMs);
    } else {
      current = { text, startMs: w.startMs, endMs: w.endMs };
      out.push(current);
    }
  }
  return out;
}

/** Split text into cue-sized chunks and spread them over [onset, offset] by width. */
function fromText(text: string, onsetMs: number, offsetMs: number): Timed[] {
  const chunks = sentences(text).flatMap((sentence) => balance(sentence, CUE_WIDTH));
  const total = chunks.reduce((s, c) => s + width(c), 0);
  const span = offsetMs - onsetMs;
  let at = onsetMs;
  return chunks.map((c) => {
    const startMs = at;
    at += (span * width(c)) / total;
    return { text: c, startMs, endMs: at };
  });
}

/** Break a cue into two balanced lines when it is wider than one (never inside a Latin word). */
export const wrap = (text: string): string => wrapLines(text, LINE_WIDTH);

const stamp = (ms: number, sep: '.' | ',') => {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t / 60_000) % 60);
  const s = Math.floor((t / 1000) % 60);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(t % 1000, 3)}`;
};

/**
 * WebVTT for web players, beside the mp4. Cue text is plain (no blank line can end a cue early) and
 * `&`, `<`, `>` are entities, so tags and `-->` in a narration are shown as typed. The header names
 * the narration's language (BCP 47) the way YouTube's files do (`Language: zh`); parsers skip it.
 */
export function toVtt(cues: Cue[], language?: string): string {
  const entities = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = cues.map((c, i) => `${i + 1}\n${stamp(c.startMs, '.')} --> ${stamp(c.endMs, '.')}\n${entities(c.text)}\n`);
  const header = language && /^[A-Za-z0-9-]+$/.test(language) ? `WEBVTT\nLanguage: ${language}\n\n` : 'WEBVTT\n\n';
  return `${header}${body.join('\n')}`;
}

/**
 * SubRip, beside the mp4 and the source of its soft mov_text track. SRT has no escapes, and players
 * (ffmpeg's own decoder among them) read `<b>`/`<font>` tags, `{\an8}`-style overrides, `\N`, and
 * a line with `-->` as the next cue's timing. A word joiner after `<`, `{` and such a `\`, and
 * inside `-->`, breaks each of them while the text looks as typed.
 */
export function toSrt(cues: Cue[]): string {
  const literal = (s: string) => s.replace(/-->|[<{]|\\(?=[nNh{}])/g, (m) => (m === '-->' ? `--${WJ}>` : m + WJ));
  return cues.map((c, i) => `${i + 1}\n${stamp(c.startMs, ',')} --> ${stamp(c.endMs, ',')}\n${literal(c.text)}\n`).join('\n');
}
