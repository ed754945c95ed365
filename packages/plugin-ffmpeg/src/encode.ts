import { audioGraph, SAMPLE_RATE } from './audio/mix.js';
import { chain, filter, graph, runFile } from './ffmpeg/args.js';
import type { Capabilities } from './ffmpeg/probe.js';
import type { MergeModel } from './model.js';
import type { ResolvedOptions, WebmOptions } from './options.js';
import type { Timeline } from './timeline.js';
import { burnStyle, mainVideoFilters } from './video.js';
import { type WatermarkPlan, watermarkFilter } from './watermark.js';
import type { ZoomSpan } from './zoom.js';

/** Files the encode reads besides frames and clips, all written beforehand by the merge. */
export interface EncodeFiles {
  concat: string;
  /** SubRip captions: the soft mov_text track. */
  srt: string;
  /** ASS captions escaped for libass: burned in. */
  ass: string;
  /** ffmetadata with the title and chapters; absent when there is neither. */
  metadata?: string;
  /** Partial outputs, renamed by the merge when ffmpeg succeeded. */
  mp4: string;
  webm?: string;
}

/** What the graph needs beyond the model and timeline. */
export interface EncodePlan {
  size: { width: number; height: number };
  /** At least one caption cue exists. */
  hasCaptions: boolean;
  zoom?: ZoomSpan[];
  /** Title card filters (from `cardFilters`), when the card is on. */
  intro?: string[];
  outro?: string[];
  webm?: WebmOptions;
  /** Family for burned-in captions (captionFont); DejaVu Sans when undefined. */
  captionFont?: string;
  /** ISO 639-2 code of the audio and caption tracks. */
  language: string;
  watermark?: WatermarkPlan;
}

/**
 * The one ffmpeg command of a merge: frames + clips (+ captions + chapters) → H.264/AAC mp4 with
 * a mov_text track, and optionally a WebM from the same filtered streams. Pure: returns the
 * argument array. Called once per merge.
 */
export function encodeArgs(
  model: MergeModel,
  timeline: Timeline,
  options: ResolvedOptions,
  caps: Capabilities,
  plan: EncodePlan,
  files: EncodeFiles,
): string[] {
  // An empty .srt is not a valid input: with no spoken line there is simply no caption track.
  const soft = plan.hasCaptions && (options.captions === 'soft' || options.captions === 'both');
  const burn = plan.hasCaptions && (options.captions === 'burn' || options.captions === 'both');
  // Every input is a run file of a known format, read through the `file` protocol only. `-safe 0`:
  // the frames live in the record stage's folder, so the script names them by absolute path, which
  // safe mode refuses; each path was checked by readInput (inside the run folder, no control
  // characters) and is quoted by quoteConcatPath.
  const inputs: string[] = runFile(files.concat, 'concat', ['-safe', '0']);
  const audio = audioGraph(model.shots, timeline, 1, options.audioChannels);
  for (const file of audio.files) inputs.push(...runFile(file, 'wav'));
  let next = 1 + audio.files.length;
  const subsInput = soft ? next++ : undefined;
  if (soft) inputs.push(...runFile(files.srt, 'srt'));
  const metaInput = files.metadata ? next++ : undefined;
  if (files.metadata) inputs.push(...runFile(files.metadata, 'ffmetadata'));

  const chains = [chain(['0:v'], mainVideoFilters(model, timeline, plan.size, plan.zoom), ['main'])];
  const parts = ['main'];
  if (plan.intro) {
    chains.push(chain([], plan.intro, ['intro']));
    parts.unshift('intro');
  }
  if (plan.outro) {
    chains.push(chain([], plan.outro, ['outro']));
    parts.push('outro');
  }
  let video = 'main';
  if (parts.length > 1) {
    chains.push(chain(parts, [filter('concat', { n: parts.length, v: 1, a: 0 })], ['joined']));
    video = 'joined';
  }
  if (burn) {
    chains.push(
      chain(
        [video],
        [filter('subtitles', { filename: files.ass, force_style: burnStyle(options.captionSize, plan.captionFont) })],
        ['burned'],
      ),
    );
    video = 'burned';
  }
  if (plan.watermark) {
    chains.push(chain([video], [watermarkFilter(plan.watermark)], ['marked']));
    video = 'marked';
  }
  chains.push(...audio.chains);
  let audioLabel = audio.label;
  if (plan.webm && files.webm) {
    chains.push(chain([video], [filter('split', ['2'])], ['vmp4', 'vwebm']));
    chains.push(chain([audioLabel], [filter('asplit', ['2'])], ['amp4', 'awebm']));
    video = 'vmp4';
    audioLabel = 'amp4';
  }

  const fps = String(timeline.fps);
  const cfr = caps.fpsMode ? ['-fps_mode', 'cfr'] : ['-vsync', 'cfr'];
  const mp4 = [
    ...['-map', `[${video}]`, '-map', `[${audioLabel}]`],
    ...(subsInput !== undefined ? ['-map', `${subsInput}:s:0`] : []),
    ...(metaInput !== undefined ? ['-map_metadata', String(metaInput), '-map_chapters', String(metaInput)] : []),
    ...['-c:v', 'libx264', '-preset', options.preset, '-crf', String(options.crf)],
    ...(options.tune === 'none' ? [] : ['-tune', options.tune]),
    ...['-profile:v', 'high', '-pix_fmt', 'yuv420p', '-r', fps, ...cfr],
    ...['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'],
    ...['-c:a', 'aac', '-aac_coder', options.aacCoder, '-b:a', `${options.audioBitrate}k`],
    ...['-ar', String(SAMPLE_RATE), '-ac', String(options.audioChannels)],
    ...(subsInput !== undefined ? ['-c:s', 'mov_text', '-metadata:s:s:0', `language=${plan.language}`] : []),
    ...['-metadata:s:a:0', `language=${plan.language}`],
    ...['-movflags', '+faststart', '-f', 'mp4', files.mp4],
  ];
  const webm =
    plan.webm && files.webm
      ? [
          ...['-map', '[vwebm]', '-map', '[awebm]', '-map_chapters', '-1'],
          ...['-c:v', 'libvpx-vp9', '-crf', String(plan.webm.crf), '-b:v', '0', '-deadline', 'realtime', '-cpu-used', '8'],
          ...['-row-mt', '1', '-pix_fmt', 'yuv420p', '-r', fps, ...cfr],
          ...(caps.encoders.has('libopus') ? ['-c:a', 'libopus', '-b:a', '96k'] : ['-c:a', 'libvorbis', '-q:a', '4']),
          ...['-ac', String(options.audioChannels), '-f', 'webm', files.webm],
        ]
      : [];
  return [...inputs, '-filter_complex', graph(chains), ...mp4, ...webm];
}
