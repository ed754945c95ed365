import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type MergeInput, type MergeOutput, type OutputFile, ShowrunnerError, type StageContext } from '@showrunner/core';
import { toAss } from './burn.js';
import { buildCues, type Cue, toSrt, toVtt } from './captions.js';
import { type CardText, cardFilters, findFont, introText, outroText } from './cards.js';
import { buildChapters, type Chapter, toFfmetadata } from './chapters.js';
import { encodeArgs } from './encode.js';
import { posterFrame, writeGif, writePoster } from './extras.js';
import { locateFfmpeg } from './ffmpeg/locate.js';
import { type Capabilities, probe, requireFeatures } from './ffmpeg/probe.js';
import { runFfmpeg, tail } from './ffmpeg/spawn.js';
import { mp4Problem } from './ffmpeg/verify.js';
import { readInput } from './input.js';
import { captionFont, fontLanguage, iso639_2 } from './language.js';
import type { MergeModel } from './model.js';
import { enabled, PLUGIN_NAME, type ResolvedOptions, schemas } from './options.js';
import { planTimeline } from './timeline.js';
import { concatScript } from './video.js';
import { writeWatermarkText } from './watermark.js';
import { planZoom } from './zoom.js';

/** merge/output.json of this plugin: the core contract plus the chapters it wrote. */
export interface FfmpegMergeOutput extends MergeOutput {
  chapters: Chapter[];
  /** The ffmpeg that encoded it, e.g. `5.1.9-0+deb12u1 (PATH)`. */
  ffmpeg: string;
}

/** argv strings above this go through a script file (Linux caps one argument at 128 KiB). */
const MAX_INLINE_GRAPH = 100_000;

/**
 * One merge: check and measure the input, plan the timeline, write captions and chapters, run the
 * single encode into `final.mp4.part`, rename it, then the poster and optional GIF. Called by the
 * plugin's `run`, once per stage attempt (core empties `merge/` before each).
 */
export async function merge(input: MergeInput, ctx: StageContext, options: ResolvedOptions): Promise<FfmpegMergeOutput> {
  const model = await readInput(input, ctx, options);
  const located = await locateFfmpeg({ option: options.ffmpegPath });
  const caps = await probe(located.path);
  ctx.log.info(`ffmpeg ${caps.version} from ${located.source}: ${located.path}`);
  checkFeatures(caps, options);
  const font = findFont(options.font);

  const intro = enabled(options.intro, schemas.card);
  const outro = enabled(options.outro, schemas.card);
  const zoom = enabled(options.zoom, schemas.zoom);
  const gif = enabled(options.gif, schemas.gif);
  const webm = enabled(options.webm, schemas.webm);
  const watermark = enabled(options.watermark, schemas.watermark);
  const language = input.demo.language;
  const size = outputSize(model, options.size);
  const timeline = planTimeline(model, {
    fps: options.fps,
    introMs: intro?.durationMs ?? 0,
    outroMs: outro?.durationMs ?? 0,
    tailMs: options.tailMs,
  });
  const held = timeline.holds.filter((h) => h.frames);
  if (held.length) ctx.log.info(`holding ${held.length} frame(s) so long lines finish: ${held.map((h) => h.frames).join(', ')}`);

  const work = path.join(ctx.dir, '.work');
  await mkdir(work, { recursive: true });
  const out = (name: string) => path.join(ctx.dir, name);
  const cues = buildCues(model.shots, timeline);
  await writeFile(out('captions.vtt'), toVtt(cues, language));
  await writeFile(out('captions.srt'), toSrt(cues));
  const ass = path.join(work, 'captions.ass');
  await writeFile(ass, toAss(cues));
  const chapters = options.chapters ? buildChapters(model.shots, timeline) : [];
  const metadata = chapters.length || model.title ? path.join(work, 'chapters.ffmeta') : undefined;
  if (metadata) await writeFile(metadata, toFfmetadata(chapters, model.title));
  const concat = path.join(work, 'frames.ffconcat');
  await writeFile(concat, concatScript(model, timeline));

  const colors = { brand: options.brandColor, text: options.textColor };
  const introCard = intro && introText(intro, model.title, model.url);
  const outroCard = outro && outroText(outro, model.url);
  const card = async (name: string, frames: number, text: CardText) => ({
    name,
    ...size,
    fps: timeline.fps,
    frames,
    workDir: work,
    font: options.font ? { file: font } : await textFont(`${text.title} ${text.subtitle ?? ''}`, font),
  });
  const files = {
    concat,
    srt: out('captions.srt'),
    ass,
    metadata,
    mp4: out('final.mp4.part'),
    webm: webm && out('final.webm.part'),
  };
  const args = encodeArgs(
    model,
    timeline,
    options,
    caps,
    {
      size,
      hasCaptions: cues.length > 0,
      zoom: zoom && planZoom(model, timeline, zoom),
      intro: introCard && (await cardFilters(introCard, await card('intro', timeline.introFrames, introCard), colors)),
      outro: outroCard && (await cardFilters(outroCard, await card('outro', timeline.outroFrames, outroCard), colors)),
      webm,
      language: options.language ?? iso639_2(language),
      captionFont: burns(options) && cues.length ? await pickCaptionFont(language, cues, ctx) : undefined,
      watermark: watermark && {
        watermark,
        size,
        textFile: await writeWatermarkText(watermark, work),
        font: await textFont(watermark.text, font),
      },
    },
    files,
  );
  await inlineOrScript(args, work);
  ctx.log.debug(`ffmpeg ${args.join(' ')}`);

  try {
    await encode(caps.path, args, files.mp4, timeline.totalMs, ctx);
    await rename(files.mp4, out('final.mp4'));
    if (files.webm) await rename(files.webm, out('final.webm'));
  } catch (err) {
    await Promise.all([rm(files.mp4, { force: true }), files.webm && rm(files.webm, { force: true })]);
    throw err;
  }

  const written: OutputFile[] = [
    { role: 'video', path: await ctx.artifact(out('final.mp4'), 'video') },
    { role: 'captions', path: await ctx.artifact(out('captions.vtt'), 'captions') },
    { role: 'subtitles', path: await ctx.artifact(out('captions.srt'), 'subtitles') },
  ];
  if (options.poster !== false) {
    const frame = model.frames[posterFrame(model, typeof options.poster === 'number' ? options.poster : undefined)]!;
    await writePoster(caps.path, frame.file, model.frameSize, size, out('poster.jpg'), ctx.signal);
    written.push({ role: 'poster', path: await ctx.artifact(out('poster.jpg'), 'poster') });
  }
  if (gif) {
    await writeGif(caps.path, out('final.mp4'), gif, out('final.gif'), work, ctx.signal);
    written.push({ role: 'gif', path: await ctx.artifact(out('final.gif'), 'gif') });
  }
  if (files.webm) written.push({ role: 'webm', path: await ctx.artifact(out('final.webm'), 'webm') });
  await rm(work, { recursive: true, force: true });

  return {
    files: written,
    durationMs: Math.round(timeline.totalMs),
    ...size,
    fps: timeline.fps,
    sizeBytes: (await stat(out('final.mp4'))).size,
    narration: model.shots.flatMap((shot, k) => {
      const { levels, text, gainDb } = shot.clip;
      if (gainDb === undefined || !text.trim()) return [];
      const at = timeline.clipStartMs[k]!;
      return [{ stepId: shot.id, startMs: Math.round(at + levels.onsetMs), endMs: Math.round(at + levels.offsetMs) }];
    }),
    chapters,
    ffmpeg: `${caps.version} (${located.source})`,
  };
}

/**
 * Run the encode, turning ffmpeg's progress into `onProgress` events (serial, never overlapping),
 * then check the mp4 is whole: ffmpeg 5.1 can exit 0 after "Error writing trailer: File too large".
 */
async function encode(bin: string, args: string[], mp4: string, totalMs: number, ctx: StageContext): Promise<void> {
  const total = Math.round(totalMs);
  let queue = Promise.resolve();
  let last = -1;
  const report = (done: number, message: string) => {
    if (done === last) return;
    last = done;
    queue = queue.then(() => ctx.emit('onProgress', { done, total, message }));
  };
  report(0, 'encoding');
  let stderr = '';
  try {
    ({ stderr } = await runFfmpeg({
      bin,
      args,
      what: 'final.mp4',
      signal: ctx.signal,
      onProgress: (ms) => report(Math.min(total, Math.round(ms)), 'encoding'),
    }));
    const warnings = tail(stderr, '');
    if (warnings) ctx.log.warn(`ffmpeg warned while encoding (e.g. an unreadable frame, which it skips):\n${warnings}`);
  } finally {
    await queue; // a failing hook surfaces after ffmpeg is done, not mid-stream
  }
  const problem = (await mp4Problem(mp4)) ?? (/Error (writing|closing)/.test(stderr) ? 'write errors' : undefined);
  if (problem) {
    throw new ShowrunnerError('SR_FFMPEG_FAILED', `ffmpeg exited 0 but final.mp4 is incomplete (${problem}):\n${tail(stderr)}`, {
      stage: 'merge',
      plugin: PLUGIN_NAME,
      hint: 'Check free disk space in the run folder, then re-run the merge stage.',
    });
  }
  report(total, 'encoded');
  await queue;
}

/** Swap an oversized `-filter_complex` for `-filter_complex_script` (both exist in 4.x and 5.x). */
async function inlineOrScript(args: string[], work: string): Promise<void> {
  const i = args.indexOf('-filter_complex');
  const text = args[i + 1];
  if (i < 0 || text === undefined || text.length <= MAX_INLINE_GRAPH) return;
  const file = path.join(work, 'graph.txt');
  await writeFile(file, text);
  args.splice(i, 2, '-filter_complex_script', file);
}

const burns = (options: ResolvedOptions) => options.captions === 'burn' || options.captions === 'both';

/**
 * The family for burned-in captions with glyphs for the narration (captionFont). Without one the
 * captions would show boxes, so the merge warns, naming the language and the package to install.
 */
async function pickCaptionFont(language: string | undefined, cues: Cue[], ctx: StageContext): Promise<string | undefined> {
  const lang = fontLanguage(language, cues.map((c) => c.text).join(' '));
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

/**
 * The font drawtext uses for the cards and the watermark: the font file (the `font` option or DejaVu
 * Sans Bold), except that Chinese, Japanese or Korean text gets the fontconfig family with its glyphs
 * (DejaVu has none). drawtext shapes and reorders Arabic itself (FriBidi).
 */
async function textFont(text: string, file: string | undefined): Promise<{ file?: string; family?: string }> {
  const lang = fontLanguage(undefined, text);
  if (lang === 'en') return { file };
  const found = await captionFont(lang);
  return found.family !== undefined ? { family: found.family } : { file };
}

/** Output size: the viewport (default), the frame size, or explicit; always even for 4:2:0. */
function outputSize(model: MergeModel, size: ResolvedOptions['size']): { width: number; height: number } {
  const pick = size === 'viewport' ? model.viewport : size === 'frames' ? model.frameSize : size;
  const even = (n: number) => Math.max(2, 2 * Math.floor(n / 2));
  return { width: even(pick.width), height: even(pick.height) };
}

function checkFeatures(caps: Capabilities, options: ResolvedOptions): void {
  requireFeatures(caps, 'the merge', {
    encoders: ['libx264', 'aac'],
    filters: [
      'fps',
      'settb',
      'setpts',
      'trim',
      'scale',
      'colorspace',
      'concat',
      'anullsrc',
      'atrim',
      'apad',
      'aresample',
      'volume',
      'pan',
    ],
  });
  if (options.captions === 'soft' || options.captions === 'both')
    requireFeatures(caps, 'soft captions', { encoders: ['mov_text'] });
  if (burns(options)) requireFeatures(caps, 'burned-in captions', { filters: ['subtitles'] });
  if (options.watermark) requireFeatures(caps, 'the watermark', { filters: ['drawtext'] });
  if (options.zoom) requireFeatures(caps, 'zoom', { filters: ['zoompan'] });
  if (options.intro || options.outro) requireFeatures(caps, 'title cards', { filters: ['color', 'drawtext', 'fade'] });
  if (options.gif) requireFeatures(caps, 'gif', { filters: ['palettegen', 'paletteuse'], encoders: ['gif'] });
  if (options.webm) requireFeatures(caps, 'webm', { encoders: ['libvpx-vp9'] });
}
