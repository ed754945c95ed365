import type { Demo, StageContext } from '@showrunner/core';
import { type CardText, cardFilters, findFont, introText, outroText } from '../cards.js';
import { filter } from '../ffmpeg/args.js';
import type { Capabilities } from '../ffmpeg/probe.js';
import { captionFont, fontLanguage } from '../language.js';
import { type CardOptions, enabled, type ResolvedOptions, schemas, type WebmOptions, type ZoomOptions } from '../options.js';
import { burnStyle } from '../video.js';
import { watermarkFilter, writeWatermarkText } from '../watermark.js';

/** A title card, ready to render. */
export interface Card {
  frames: number;
  /** Filters from nothing to the card's yuv420p frames (a `color` source first). */
  filters: string[];
}

/**
 * What every part of one merge's video shares besides frames, captions and zoom: size, cards, the
 * caption style, the watermark, the encoder settings. Set up once per merge (live or not) from the
 * demo and the recording's geometry, so a live merge and a merge after recording render the same.
 */
export interface Looks {
  bin: string;
  caps: Capabilities;
  size: { width: number; height: number };
  fps: number;
  /** `force_style` of burned-in captions, when they are burned. */
  burn?: string;
  zoom?: ZoomOptions;
  intro?: Card;
  outro?: Card;
  /** The watermark's drawtext, on every frame (cards too). */
  watermark?: string;
  webm?: WebmOptions;
  /** Everything above that decides pixels, as text: equal headers mean equal looks. */
  header: string;
}

/** The recording's geometry (Recording fields) that the output size comes from. */
export interface Geometry {
  width: number;
  height: number;
  viewport: { width: number; height: number };
}

/**
 * Set up the looks: output size, title cards (their text files go into `work`), caption font (for the
 * language of the demo's lines), watermark. Called once per merge, before any frame is rendered.
 */
export async function prepareLooks(
  demo: Demo,
  geometry: Geometry,
  ffmpeg: { bin: string; caps: Capabilities },
  options: ResolvedOptions,
  work: string,
  ctx: StageContext,
): Promise<Looks> {
  const fps = options.fps;
  const size = outputSize(geometry, options.size);
  const font = findFont(options.font);
  const textFont = async (text: string) => {
    const lang = fontLanguage(undefined, text);
    if (lang === 'en') return { file: font };
    const found = await captionFont(lang);
    return found.family !== undefined ? { family: found.family } : { file: font };
  };
  const colors = { brand: options.brandColor, text: options.textColor };
  const card = async (name: 'intro' | 'outro', opts: CardOptions | undefined, text: CardText | undefined) => {
    if (!opts || !text) return undefined;
    const frames = Math.round(opts.durationMs / (1000 / fps));
    const cardFont = options.font ? { file: font } : await textFont(`${text.title} ${text.subtitle ?? ''}`);
    const filters = await cardFilters(text, { name, ...size, fps, frames, workDir: work, font: cardFont }, colors);
    return { frames, filters };
  };
  const introOpts = enabled(options.intro, schemas.card);
  const outroOpts = enabled(options.outro, schemas.card);
  const intro = await card('intro', introOpts, introOpts && introText(introOpts, demo.title, demo.url));
  const outro = await card('outro', outroOpts, outroOpts && outroText(outroOpts, demo.url));
  const burns = options.captions === 'burn' || options.captions === 'both';
  const lines = demo.steps.map((s) => s.narration ?? '').join(' ');
  const burn = burns ? burnStyle(options.captionSize, await pickCaptionFont(demo.language, lines, ctx)) : undefined;
  const mark = enabled(options.watermark, schemas.watermark);
  const watermark = mark
    ? watermarkFilter({ watermark: mark, size, textFile: await writeWatermarkText(mark, work), font: await textFont(mark.text) })
    : undefined;
  const zoom = enabled(options.zoom, schemas.zoom);
  const webm = enabled(options.webm, schemas.webm);
  const header = JSON.stringify({
    size,
    fps,
    burn,
    zoom,
    intro: introOpts && { ...introOpts, text: introText(introOpts, demo.title, demo.url) },
    outro: outroOpts && { ...outroOpts, text: outroText(outroOpts, demo.url) },
    watermark: mark,
    colors,
    font: options.font,
    video: [options.crf, options.preset, options.tune, webm],
    ffmpeg: ffmpeg.caps.version,
  });
  return { ...ffmpeg, size, fps, burn, zoom, intro, outro, watermark, webm, header };
}

/** The last filters of every segment: captions (main part only), watermark, the encoder's pixel format. */
export function finishing(looks: Looks, ass: string | undefined): string[] {
  const out: string[] = [];
  if (looks.burn && ass) out.push(filter('subtitles', { filename: ass, force_style: looks.burn }));
  if (looks.watermark) out.push(looks.watermark);
  out.push(filter('format', ['yuv420p']));
  return out;
}

/** Output size: the viewport (default), the frame size, or explicit; always even for 4:2:0. */
export function outputSize(geometry: Geometry, size: ResolvedOptions['size']): { width: number; height: number } {
  const pick = size === 'viewport' ? geometry.viewport : size === 'frames' ? geometry : size;
  const even = (n: number) => Math.max(2, 2 * Math.floor(n / 2));
  return { width: even(pick.width), height: even(pick.height) };
}

/**
 * The family for burned-in captions with glyphs for the narration (captionFont). Without one the
 * captions would show boxes, so the merge warns, naming the language and the package to install.
 */
async function pickCaptionFont(language: string | undefined, text: string, ctx: StageContext): Promise<string | undefined> {
  const lang = fontLanguage(language, text);
  const found = await captionFont(lang);
  if (found.family !== undefined) {
    ctx.log.debug(`burned-in captions in ${found.family} (fonts for language "${lang}")`);
    return found.family;
  }
  ctx.log.warn(
    `Burned-in captions may show boxes instead of text: ${found.problem}. ` +
      `Install a font for it (Debian/Ubuntu: fonts-noto-cjk for Chinese, Japanese and Korean, fonts-noto-core for the rest; scripts/setup.sh does).`,
  );
  return undefined;
}
