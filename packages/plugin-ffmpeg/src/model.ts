import type { Box, WordTiming } from '@showrunner/core';
import type { ClipLevels } from './audio/analyse.js';

/** A narration clip, checked and measured. */
export interface ClipAudio {
  /** Absolute path of the WAV. */
  file: string;
  text: string;
  /** Length measured from the samples (the clip's own `durationMs` is only a claim). */
  durationMs: number;
  words?: WordTiming[];
  levels: ClipLevels;
  /** Gain applied in the mix (dB); undefined for a silent clip, which is left out of the mix. */
  gainDb?: number;
}

/**
 * One performed step as the merge sees it: a `done` StepResult with its clip. Shots are sorted by
 * start; skipped and replaced steps never become shots.
 */
export interface Shot {
  id: string;
  /** Index in the demo (or in the step results for steps added mid-run), for errors. */
  index: number;
  /** Chapter title: the step's `title`, else a short label from its narration or action. */
  title: string;
  startMs: number;
  /** Where the clip starts on the recording clock (start + the recorder's lead). */
  narrationMs: number;
  endMs: number;
  box?: Box;
  clip: ClipAudio;
}

/** A captured frame, checked to exist: absolute file and ms on the recording clock. */
export interface SourceFrame {
  file: string;
  t: number;
  bytes: number;
}

/** Everything the merge needs, validated: built by `readInput`, read by every builder. */
export interface MergeModel {
  shots: Shot[];
  frames: SourceFrame[];
  recordingMs: number;
  /** Frame pixel size and the CSS viewport it shows (boxes are in viewport px). */
  frameSize: { width: number; height: number };
  viewport: { width: number; height: number };
  title?: string;
  url: string;
}
