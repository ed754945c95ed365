import { chain, filter } from '../ffmpeg/args.js';
import type { Shot } from '../model.js';
import type { Timeline } from '../timeline.js';

export const SAMPLE_RATE = 48_000;

/** The narration track's graph and the clip files it reads, in input order. */
export interface AudioGraph {
  chains: string[];
  /** Clip files to add as inputs, in order; `firstInput` is the index of the first. */
  files: string[];
  label: string;
  /** Each line's first sample, clip and gain; the track is `total` samples long. */
  starts: { at: number; file: string; gainDb: number }[];
  total: number;
}

/**
 * Lay the clips end to end as one track exactly as long as the video: silence up to the first
 * line, then per line its clip (resampled to 48 kHz, gain applied) padded with silence up to the
 * next line. Segment lengths are whole samples from the timeline, so nothing drifts; the timeline
 * guarantees lines never overlap. `adelay`/`amix` are avoided: their options differ between 4.x
 * and 5.x (`all=`, `normalize=`). Called once per merge.
 */
export function audioGraph(shots: Shot[], timeline: Timeline, firstInput: number, channels: 1 | 2): AudioGraph {
  const total = Math.round((timeline.totalMs * SAMPLE_RATE) / 1000);
  const starts: { at: number; file: string; gainDb: number }[] = [];
  for (const [k, shot] of shots.entries()) {
    if (shot.clip.gainDb === undefined) continue; // silent clip: the gap is silence anyway
    const at = Math.round((timeline.clipStartMs[k]! * SAMPLE_RATE) / 1000);
    const prev = starts.at(-1);
    if (prev && at <= prev.at) starts.pop(); // cannot happen with a sane timeline; never emit an empty segment
    starts.push({ at, file: shot.clip.file, gainDb: shot.clip.gainDb });
  }
  const chains: string[] = [];
  const segments: string[] = [];
  const firstAt = starts[0]?.at ?? total;
  if (firstAt > 0) {
    chains.push(
      chain([], [filter('anullsrc', { r: SAMPLE_RATE, cl: 'mono' }), filter('atrim', { end_sample: firstAt })], ['lead']),
    );
    segments.push('lead');
  }
  for (const [i, s] of starts.entries()) {
    const length = (starts[i + 1]?.at ?? total) - s.at;
    const label = `line${i}`;
    chains.push(
      chain(
        [`${firstInput + i}:a`],
        [
          filter('aresample', [SAMPLE_RATE]),
          filter('aformat', { sample_fmts: 'fltp', channel_layouts: 'mono' }),
          filter('volume', { volume: `${s.gainDb.toFixed(2)}dB` }),
          filter('apad'),
          filter('atrim', { end_sample: length }),
        ],
        [label],
      ),
    );
    segments.push(label);
  }
  const tailFilters = [filter('concat', { n: segments.length, v: 0, a: 1 })];
  if (channels === 2) tailFilters.push('pan=stereo|c0=c0|c1=c0'); // dual mono, unity gain on both sides
  chains.push(chain(segments, tailFilters, ['aout']));
  return { chains, files: starts.map((s) => s.file), label: 'aout', starts, total };
}
