import { escapeMetadata } from './ffmpeg/args.js';
import type { Shot } from './model.js';
import { plainText } from './text.js';
import type { Timeline } from './timeline.js';

/** A chapter of the final file (ms), also reported in `merge/output.json`. */
export interface Chapter {
  title: string;
  startMs: number;
  endMs: number;
  /** The step it shows; absent for the title cards. */
  stepId?: string;
}

/**
 * One chapter per performed step (from the end of the previous step's hold to the end of its own),
 * plus "Intro" and "Outro" for the title cards. Called once per merge.
 */
export function buildChapters(shots: Shot[], timeline: Timeline): Chapter[] {
  const chapters: Chapter[] = [];
  if (timeline.introFrames) chapters.push({ title: 'Intro', startMs: 0, endMs: timeline.mainStartMs });
  for (const [k, shot] of shots.entries()) {
    const endMs = k + 1 < shots.length ? timeline.shotStartMs[k + 1]! : timeline.mainEndMs;
    chapters.push({ title: plainText(shot.title) || shot.id, startMs: timeline.shotStartMs[k]!, endMs, stepId: shot.id });
  }
  if (timeline.outroFrames) chapters.push({ title: 'Outro', startMs: timeline.mainEndMs, endMs: timeline.totalMs });
  return chapters
    .map((c) => ({ ...c, startMs: Math.round(c.startMs), endMs: Math.round(c.endMs) }))
    .filter((c) => c.endMs > c.startMs);
}

/** The ffmetadata file ffmpeg reads with `-map_chapters`: global title plus chapters in ms. */
export function toFfmetadata(chapters: Chapter[], title?: string): string {
  const lines = [';FFMETADATA1'];
  if (title) lines.push(`title=${escapeMetadata(title)}`);
  for (const c of chapters) {
    lines.push('[CHAPTER]', 'TIMEBASE=1/1000', `START=${c.startMs}`, `END=${c.endMs}`, `title=${escapeMetadata(c.title)}`);
  }
  return `${lines.join('\n')}\n`;
}
