import { copyFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { filter, runFile } from './ffmpeg/args.js';
import { runFfmpeg } from './ffmpeg/spawn.js';
import type { MergeModel } from './model.js';
import type { GifOptions } from './options.js';

/**
 * The poster's source frame: at `atMs` on the recording clock when given; else, among the frames on
 * screen at the end of each step (the settled result of its action), the largest JPEG, which is
 * the richest screen and never a blank page. Pure; called once per merge.
 */
export function posterFrame(model: MergeModel, atMs?: number): number {
  const frameAt = (ms: number) => {
    let best = 0;
    for (const [i, f] of model.frames.entries()) if (f.t <= ms) best = i;
    return best;
  };
  if (atMs !== undefined) return frameAt(atMs);
  const candidates = model.shots.map((_, k) => frameAt((model.shots[k + 1]?.startMs ?? model.recordingMs) - 1));
  return candidates.reduce((best, i) => (model.frames[i]!.bytes > model.frames[best]!.bytes ? i : best), candidates[0] ?? 0);
}

/**
 * Write `poster.jpg` at the output size: the captured JPEG itself when it already has that size
 * (no generation loss), else one scaled copy. Serial, after the main encode.
 */
export async function writePoster(
  bin: string,
  source: string,
  frameSize: { width: number; height: number },
  size: { width: number; height: number },
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  const part = `${file}.part`;
  if (frameSize.width === size.width && frameSize.height === size.height) {
    await copyFile(source, part);
  } else {
    const scale = filter('scale', { w: size.width, h: size.height, flags: 'lanczos' });
    await runFfmpeg({
      bin,
      what: 'the poster',
      signal,
      // image2 without patterns: a `%d` in the run folder's path is part of the name.
      args: [
        ...runFile(source, 'image2', ['-pattern_type', 'none']),
        '-vf',
        scale,
        '-frames:v',
        '1',
        '-q:v',
        '2',
        '-f',
        'mjpeg',
        part,
      ],
    });
  }
  await rename(part, file);
}

/**
 * Write an animated GIF from the finished mp4 in two passes (palette, then dithering with it):
 * one pass would keep every frame in memory until the palette is known. Serial, after the encode.
 */
export async function writeGif(
  bin: string,
  mp4: string,
  gif: GifOptions,
  file: string,
  workDir: string,
  signal?: AbortSignal,
): Promise<void> {
  const palette = path.join(workDir, 'palette.png');
  const prep = [
    filter('fps', [gif.fps]),
    filter('scale', { w: gif.width, h: -2, flags: 'lanczos', in_color_matrix: 'bt709', in_range: 'tv' }),
  ].join(',');
  await runFfmpeg({
    bin,
    what: 'the GIF palette',
    signal,
    args: [
      ...runFile(mp4, 'mov'),
      '-vf',
      `${prep},${filter('palettegen', { stats_mode: 'diff' })}`,
      '-f',
      'image2',
      '-update',
      '1',
      palette,
    ],
  });
  const part = `${file}.part`;
  await runFfmpeg({
    bin,
    what: 'the GIF',
    signal,
    args: [
      ...runFile(mp4, 'mov'),
      ...runFile(palette, 'image2', ['-pattern_type', 'none']),
      ...[
        '-filter_complex',
        `[0:v]${prep}[v];[v][1:v]${filter('paletteuse', { dither: 'bayer', bayer_scale: 4, diff_mode: 'rectangle' })}`,
      ],
      ...['-loop', '0', '-f', 'gif', part],
    ],
  });
  await rename(part, file);
}
