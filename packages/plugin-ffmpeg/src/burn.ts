import type { Cue } from './captions.js';
import { WJ } from './text.js';

/**
 * The script header ffmpeg writes when it reads SubRip (5.1; 4.x lacks ScaledBorderAndShadow), so
 * the burned captions look as they did from the .srt: `force_style` (burnStyle) overrides this
 * Default style, in the same 384×288 script units.
 */
const HEADER = [
  '[Script Info]',
  'ScriptType: v4.00+',
  'PlayResX: 384',
  'PlayResY: 288',
  'ScaledBorderAndShadow: yes',
  '',
  '[V4+ Styles]',
  'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
  // Encoding -1: libass takes each line's base direction from its first strong letter, so Arabic and
  // Hebrew lines read right to left (with their Latin words and punctuation in place).
  'Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,-1',
  '',
  '[Events]',
  'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
];

/**
 * Cue text for libass, shown as typed: libass reads any `{...}` as override tags (position, size,
 * transparency...) and `\N`, `\n`, `\h` as breaks and hard spaces. `\{` and `\}` are its escapes
 * for braces; a word joiner (which libass skips) after a backslash keeps `\N` literal. Lines join
 * with `\N`.
 */
export function assText(text: string): string {
  return text
    .replace(/\\(?=[Nnh])/g, `\\${WJ}`)
    .replace(/[{}]/g, (c) => `\\${c}`)
    .split('\n')
    .join('\\N');
}

/** `H:MM:SS.cc`: ASS times are in centiseconds. */
function time(ms: number): string {
  const cs = Math.max(0, Math.round(ms / 10));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(cs / 360_000)}:${pad(Math.floor(cs / 6000) % 60)}:${pad(Math.floor(cs / 100) % 60)}.${pad(cs % 100)}`;
}

/** The captions as an ASS script for the `subtitles` filter (burned-in captions). Pure; once per merge. */
export function toAss(cues: Cue[]): string {
  const events = cues.map((c) => `Dialogue: 0,${time(c.startMs)},${time(c.endMs)},Default,,0,0,0,,${assText(c.text)}`);
  return `${[...HEADER, ...events].join('\n')}\n`;
}
