import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ShowrunnerError } from '@showrunner/core';
import { ffColor, filter } from './ffmpeg/args.js';
import { joinUnits, type Unit, units, width } from './linebreak.js';
import { type CardOptions, PLUGIN_NAME } from './options.js';
import { plainText } from './text.js';

/** Text of one title card after defaults. */
export interface CardText {
  title: string;
  subtitle?: string;
}

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
  '/System/Library/Fonts/Supplemental/Arial Bold.ttf',
  '/Library/Fonts/Arial Bold.ttf',
  'C:\\Windows\\Fonts\\arialbd.ttf',
];

/**
 * The `font` option, else the first common system font found; undefined lets fontconfig choose.
 * A `font` that does not exist is SR_CONFIG_INVALID: drawtext would silently fall back instead.
 */
export function findFont(option?: string): string | undefined {
  if (option && !existsSync(option)) {
    throw new ShowrunnerError('SR_CONFIG_INVALID', `${PLUGIN_NAME}: option "font": ${option} does not exist.`, {
      stage: 'merge',
      plugin: PLUGIN_NAME,
      field: 'font',
      hint: 'Point "font" at a .ttf/.otf file on this machine, or leave it out to use DejaVu Sans.',
    });
  }
  return option ?? FONT_CANDIDATES.find((f) => existsSync(f));
}

/** Intro text: the card's own, else the demo title or host. */
export function introText(card: CardOptions, title: string | undefined, url: string): CardText {
  return { title: card.title ?? title ?? hostOf(url), subtitle: card.subtitle };
}

/** Outro text: the card's own, else a thank-you over the demo URL. */
export function outroText(card: CardOptions, url: string): CardText {
  return { title: card.title ?? 'Thanks for watching', subtitle: card.subtitle ?? (/^https?:/.test(url) ? url : undefined) };
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
};

/**
 * Filters that draw a title card: a brand-colour canvas, centred lines of title and subtitle (text
 * read from files, so no escaping or `%` expansion applies), a short fade, BT.709 like the main
 * part. Text files go into `workDir`. Called once per card when the graph is built.
 */
export async function cardFilters(
  text: CardText,
  opts: {
    name: string;
    width: number;
    height: number;
    fps: number;
    frames: number;
    workDir: string;
    /** A font file, else a fontconfig family (for CJK titles), else drawtext's default. */
    font: { file?: string; family?: string };
  },
  colors: { brand: string; text: string },
): Promise<string[]> {
  const { width: W, height: H, fps, frames } = opts;
  const titleSize = Math.round(H / 12);
  const subSize = Math.round(H / 26);
  const title = plainText(text.title); // drawtext would draw control characters as boxes
  const subtitle = text.subtitle && plainText(text.subtitle);
  const lines = [
    ...wrapText(title, W * 0.84, titleSize, 3).map((t) => ({ t, size: titleSize })),
    ...(subtitle ? wrapText(subtitle, W * 0.84, subSize, 2).map((t) => ({ t, size: subSize })) : []),
  ];
  const heights = lines.map((l, i) => l.size * (i > 0 && lines[i - 1]!.size !== l.size ? 1.9 : 1.3));
  let y = (H - heights.reduce((a, b) => a + b, 0)) / 2;
  const seconds = frames / fps;
  const filters = [
    filter('color', { c: ffColor(colors.brand), s: `${W}x${H}`, r: fps, d: seconds + 1 }),
    filter('format', ['rgb24']),
  ];
  for (const [i, line] of lines.entries()) {
    const file = path.join(opts.workDir, `${opts.name}-${i}.txt`);
    await writeFile(file, line.t);
    filters.push(
      filter('drawtext', {
        fontfile: opts.font.file,
        font: opts.font.file ? undefined : opts.font.family,
        textfile: file,
        expansion: 'none',
        fontcolor: ffColor(colors.text),
        fontsize: line.size,
        x: '(w-text_w)/2',
        y: Math.round(y + (heights[i]! - line.size) / 2),
      }),
    );
    y += heights[i]!;
  }
  const fade = Math.min(0.5, seconds / 4);
  filters.push(
    filter('trim', { end_frame: frames }),
    opts.name === 'intro'
      ? filter('fade', { t: 'in', st: 0, d: fade })
      : filter('fade', { t: 'out', st: seconds - fade, d: fade }),
    filter('scale', { out_color_matrix: 'bt709', out_range: 'tv' }),
    filter('format', ['yuv420p']),
    filter('setsar', ['1']),
  );
  return filters;
}

/**
 * Greedy wrap by an estimated glyph width (0.58 em a column for a sans face; a CJK character is two
 * columns), between units (linebreak.ts: words, or single CJK characters with their punctuation);
 * extra lines are dropped with an ellipsis.
 */
export function wrapText(text: string, maxWidth: number, size: number, maxLines: number): string[] {
  const perLine = Math.max(8, Math.floor(maxWidth / (size * 0.58)));
  const lines: Unit[][] = [];
  let current: Unit[] = [];
  for (const unit of units(text)) {
    if (current.length && width(joinUnits([...current, unit])) > perLine) {
      lines.push(current);
      current = [{ ...unit, space: false }];
    } else current.push(unit);
  }
  if (current.length) lines.push(current);
  const texts = lines.map(joinUnits);
  if (texts.length > maxLines) {
    texts.length = maxLines;
    texts[maxLines - 1] = `${clip(texts[maxLines - 1]!, perLine - 1)}…`;
  }
  return texts.map((l) => (width(l) > perLine ? `${clip(l, perLine - 1)}…` : l));
}

/** The longest start of `text` at most `columns` wide. */
function clip(text: string, columns: number): string {
  let out = '';
  for (const c of text) {
    if (width(out + c) > columns) break;
    out += c;
  }
  return out;
}
