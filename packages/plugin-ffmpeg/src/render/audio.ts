import { audioGraph, SAMPLE_RATE } from '../audio/mix.js';
import { chain, filter, graph, runFile } from '../ffmpeg/args.js';
import type { MergeModel } from '../model.js';
import type { ResolvedOptions } from '../options.js';
import type { Timeline } from '../timeline.js';

/** The narration track's samples [from, to) of one plan, and what they depend on. */
export interface AudioSegment {
  from: number;
  to: number;
  /** Lines that sound in it: clip file, first sample, gain, last sample (exclusive) within the segment. */
  lines: [string, number, number, number][];
}

/** First sample of an output frame (48 kHz: 1600 samples a frame at 30 fps). */
export const sampleOf = (timeline: Timeline, frame: number): number =>
  Math.round((frame * timeline.frameMs * SAMPLE_RATE) / 1000);

/** Cut samples [from, to) out of a plan's track (see cutSegment for the video). */
export function cutAudio(
  model: MergeModel,
  timeline: Timeline,
  options: ResolvedOptions,
  from: number,
  to: number,
): AudioSegment {
  const { starts, total } = audioGraph(model.shots, timeline, 0, options.audioChannels);
  const lines: AudioSegment['lines'] = [];
  for (const [i, s] of starts.entries()) {
    const end = Math.min(starts[i + 1]?.at ?? total, to);
    if (s.at < to && end > from) lines.push([s.file, s.at, s.gainDb, end]);
  }
  return { from, to, lines };
}

/**
 * ffmpeg arguments that write samples [from, to) of the narration track as raw 32-bit float PCM to
 * stdout: the whole mix of the plan (audioGraph), trimmed. Cutting the track into segments changes no
 * sample: each line is resampled from its own start, and the trim counts samples.
 */
export function audioSegmentArgs(
  model: MergeModel,
  timeline: Timeline,
  options: ResolvedOptions,
  from: number,
  to: number,
): string[] {
  const audio = audioGraph(model.shots, timeline, 0, options.audioChannels);
  const inputs = audio.files.flatMap((file) => runFile(file, 'wav'));
  const chains = [
    ...audio.chains,
    chain([audio.label], [filter('atrim', { start_sample: from, end_sample: to }), filter('asetpts', ['N/SR/TB'])], ['seg']),
  ];
  return [...inputs, '-filter_complex', graph(chains), '-map', '[seg]', ...rawAudio(options)];
}

/** The raw PCM format between the segments and the audio encoder. */
export function rawAudio(options: ResolvedOptions): string[] {
  return ['-f', 'f32le', '-ar', String(SAMPLE_RATE), '-ac', String(options.audioChannels), 'pipe:1'];
}
