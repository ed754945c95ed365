import type { ClipLevels } from './analyse.js';

/**
 * dB kept between the clip's true peak and the `peak` ceiling: resampling to 48 kHz and the AAC
 * encoder add overshoot the decoded file would otherwise show (measured up to ~0.6 dB on square
 * waves and noise at 128 kbit/s).
 */
export const CODEC_MARGIN_DB = 1;

/** Dual-mono stereo measures 3 dB louder than the mono clip (BS.1770 sums channel powers). */
const STEREO_OFFSET_DB = 10 * Math.log10(2);

/**
 * Gain for one clip: reach the loudness target (measured as the final file will be: mono or dual
 * mono), but never let the true peak pass `peak - margin`. `loudness: false` only enforces the
 * ceiling. Undefined for a silent clip (left out of the mix). Pure; called per clip.
 */
export function clipGain(
  levels: ClipLevels,
  options: { loudness: number | false; peak: number; audioChannels: 1 | 2 },
): number | undefined {
  if (!Number.isFinite(levels.truePeakDb)) return undefined;
  const ceiling = options.peak - CODEC_MARGIN_DB - levels.truePeakDb;
  if (options.loudness === false || !Number.isFinite(levels.loudness)) return Math.min(0, ceiling);
  const measured = levels.loudness + (options.audioChannels === 2 ? STEREO_OFFSET_DB : 0);
  return Math.min(options.loudness - measured, ceiling);
}
