/**
 * @showrunner/plugin-ffmpeg: the merge stage. Turns the recorder's JPEG frames and the narration
 * clips into one captioned, chaptered H.264/AAC mp4 with a single video encode (while the recording
 * is made, when core runs `live` beside it), plus captions, a poster and optional GIF/WebM.
 */
import { definePlugin, type MergePlugin } from '@showrunner/core';
import { type FfmpegOptions, PLUGIN_NAME, resolveOptions } from './options.js';

/**
 * The merge plugin factory, called when the config loads: options are checked here (a bad one
 * throws SR_CONFIG_INVALID). Core calls `run` once per merge attempt, and `live` beside each
 * recording when the config encodes while recording; ffmpeg is found and probed lazily.
 */
export default function ffmpeg(options: FfmpegOptions = {}): MergePlugin {
  const resolved = resolveOptions(options);
  return definePlugin({
    name: PLUGIN_NAME,
    stage: 'merge',
    async run(input, ctx) {
      const { merge } = await import('./merge.js');
      return merge(input, ctx, resolved);
    },
    async live(input, ctx) {
      const { liveMerge } = await import('./live.js');
      return liveMerge(input, ctx, resolved);
    },
  });
}

export type { Chapter } from './chapters.js';
export { type LocatedFfmpeg, type LocateSources, locateFfmpeg } from './ffmpeg/locate.js';
export { type Capabilities, probe } from './ffmpeg/probe.js';
export { iso639_2 } from './language.js';
export type { FfmpegMergeOutput } from './merge.js';
export { type FfmpegOptions, FfmpegOptionsSchema, type ResolvedOptions, type WatermarkOptions } from './options.js';
