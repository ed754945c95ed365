import type { WordTiming } from '@showrunner/core';
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

const LINE_CHARS = 42;
const CUE_CHARS = 2 * LINE_CHARS;
/** A cue stays this long after its last word, unless the next one starts. */
const LINGER_MS = 250;

/**
 * Captions from the narration: each line is split at sentence ends and at two 42-character lines,
 * timed by the voice's word timings when it gave them, else spread over the clip's measured speech
 * span by character count. Called once per merge, after the timeline is planned.
 */
export function buildCues(shots: Shot[], timeline: Timeline): Cue[] {
  const cues: Cue[] = [];
  for (const [k, shot] of shots.entries()) {
    const { clip } = shot;
    const said = plainText(clip.text);
    if (!said || clip.levels.offsetMs <= clip.levels.onsetMs) continue;
    const at = timeline.clipStartMs[k]!;
    const timed = clip.words?.length ? fromWords(clip.words) : fromText(said, clip.levels.onsetMs, clip.levels.offsetMs);
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

/** Group words into cues: a new cue after a sentence end or when the next word would overflow. */
function fromWords(words: WordTiming[]): Timed[] {
  const out: Timed[] = [];
  let current: Timed | undefined;
  for (const w of words) {
    const text = plainText(w.text);
    if (!text) continue;
    const joined = current ? joinWord(current.text, text) : text;
    if (current && joined.length <= CUE_CHARS && !/[.!?]$/.test(current.text)) {
      current.text = joined;
      current.endMs = Math.max(current.endMs, w.endMs);
    } else {
      current = { text, startMs: w.startMs, endMs: w.endMs };
      out.push(current);
    }
  }
  return out;
}

/** Punctuation tokens attach to the previous word. */
const joinWord = (text: string, word: string) => (/^[,.;:!?)»”’]/.test(word) ? text + word : `${text} ${word}`);

/** Split text into cue-sized chunks and spread them over [onset, offset] by length. */
function fromText(text: string, onsetMs: number, offsetMs: number): Timed[] {
  const chunks = chunk(text);
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const span = offsetMs - onsetMs;
  let at = onsetMs;
  return chunks.map((c) => {
    const startMs = at;
    at += (span * c.length) / total;
    return { text: c, startMs, endMs: at };
  });
}

/** Sentences, each cut into balanced cue-sized parts, preferring to cut after a comma. */
function chunk(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).flatMap((sentence) => balance(sentence.split(' ')));
}

/**
 * Minimum-raggedness split of words into parts of at most CUE_CHARS (dynamic programming, as in
 * text justification): parts come out even, and a cut after `,` `;` `:` is preferred.
 */
function balance(words: string[]): string[] {
  const n = words.length;
  const best = new Array<number>(n + 1).fill(Infinity);
  const cut = new Array<number>(n + 1).fill(0);
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    for (let i = j - 1; i >= 0; i--) {
      const len = words.slice(i, j).join(' ').length;
      if (len > CUE_CHARS && j - i > 1) break;
      const cost = best[i]! + (CUE_CHARS - len) ** 2 - (j < n && /[,;:]$/.test(words[j - 1]!) ? 600 : 0);
      if (cost < best[j]!) {
        best[j] = cost;
        cut[j] = i;
      }
    }
  }
  const parts: string[] = [];
  for (let j = n; j > 0; j = cut[j]!) parts.unshift(words.slice(cut[j]!, j).join(' '));
  return parts;
}

/** Break a cue into two balanced lines when it is longer than one. */
export function wrap(text: string): string {
  if (text.length <= LINE_CHARS) return text;
  const middle = text.length / 2;
  let best = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ' ' && (best < 0 || Math.abs(i - middle) < Math.abs(best - middle))) best = i;
  }
  return best < 0 ? text : `${text.slice(0, best)}\n${text.slice(best + 1)}`;
}

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
 * `&`, `<`, `>` are entities, so tags and `-->` in a narration are shown as typed.
 */
export function toVtt(cues: Cue[]): string {
  const entities = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = cues.map((c, i) => `${i + 1}\n${stamp(c.startMs, '.')} --> ${stamp(c.endMs, '.')}\n${entities(c.text)}\n`);
  return `WEBVTT\n\n${body.join('\n')}`;
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
