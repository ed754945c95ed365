import type { MergeModel } from './model.js';

/** A freeze of the frame at a step boundary, inserted so a long line is not cut. */
export interface Hold {
  /** Recording time of the boundary (the next step's start, or the recording's end). */
  atMs: number;
  frames: number;
}

/**
 * The output timeline, in whole frames: intro card, the recording with holds, outro card. Built
 * once per merge by {@link planTimeline}; the video schedule, audio placement, captions, chapters
 * and zoom all read it, so they agree by construction.
 */
export interface Timeline {
  fps: number;
  introFrames: number;
  mainFrames: number;
  outroFrames: number;
  totalFrames: number;
  holds: Hold[];
  /** Source frame index and how many output frames show it, over the main part, in order. */
  runs: { frame: number; count: number }[];
  /** Output ms of each shot's clip start (exact, not snapped to frames). */
  clipStartMs: number[];
  /** Output ms where each shot's chapter starts (after the previous shot's hold). */
  shotStartMs: number[];
  /** Output ms where each shot's boundary ends (after its own hold): zoom must be out by then. */
  shotEndMs: number[];
  /** Output ms of a recording time. */
  out(recMs: number): number;
  frameMs: number;
  mainStartMs: number;
  mainEndMs: number;
  totalMs: number;
}

/** Plan the output frames. Pure and deterministic: the same input gives the same video. */
export function planTimeline(
  model: MergeModel,
  options: { fps: number; introMs: number; outroMs: number; tailMs: number },
): Timeline {
  const { fps, tailMs } = options;
  const frameMs = 1000 / fps;
  const { shots, frames, recordingMs } = model;
  const recFrames = Math.max(1, Math.round(recordingMs / frameMs));
  const introFrames = Math.round(options.introMs / frameMs);
  const outroFrames = Math.round(options.outroMs / frameMs);

  const boundaries = shots.map((_, k) => (k + 1 < shots.length ? shots[k + 1]!.startMs : recordingMs));
  const holds: Hold[] = shots.map((shot, k) => {
    const overrun = shot.narrationMs + shot.clip.durationMs + tailMs - boundaries[k]!;
    return { atMs: boundaries[k]!, frames: overrun > 0 ? Math.ceil(overrun / frameMs - 1e-9) : 0 };
  });
  const holdMs = (h: Hold) => h.frames * frameMs;
  const introMs = introFrames * frameMs;
  // A hold at B shifts every recording time r >= B; on the frame grid that is frame ceil(B / frameMs).
  const out = (recMs: number) => introMs + recMs + holds.filter((h) => h.atMs <= recMs).reduce((s, h) => s + holdMs(h), 0);
  const holdAt = new Map<number, number>();
  for (const h of holds) {
    if (!h.frames) continue;
    const index = Math.min(recFrames, Math.ceil(h.atMs / frameMs - 1e-6));
    holdAt.set(index, (holdAt.get(index) ?? 0) + h.frames);
  }

  const sequence: number[] = [];
  let cursor = 0;
  let shown = 0;
  const boundaryTimes = [...new Set(holds.filter((h) => h.frames).map((h) => h.atMs))].sort((a, b) => a - b);
  /** Source frame on screen at output slot i: the nearest-start frame, but never one from after a hold's boundary. */
  const sourceAt = (i: number) => {
    let sample = (i + 0.5) * frameMs;
    const next = boundaryTimes.find((b) => b > i * frameMs);
    if (next !== undefined) sample = Math.min(sample, next - 1e-6);
    while (cursor + 1 < frames.length && frames[cursor + 1]!.t <= sample) cursor++;
    return cursor;
  };
  for (let i = 0; i < recFrames; i++) {
    const held = holdAt.get(i);
    shown = sourceAt(i);
    if (held) for (let n = 0; n < held; n++) sequence.push(i === 0 ? shown : (sequence.at(-1) ?? shown));
    sequence.push(shown);
  }
  const endHold = holdAt.get(recFrames);
  if (endHold) for (let n = 0; n < endHold; n++) sequence.push(shown);

  const runs: Timeline['runs'] = [];
  for (const frame of sequence) {
    const last = runs.at(-1);
    if (last && last.frame === frame) last.count++;
    else runs.push({ frame, count: 1 });
  }
  const mainFrames = sequence.length;
  const totalFrames = introFrames + mainFrames + outroFrames;
  return {
    fps,
    introFrames,
    mainFrames,
    outroFrames,
    totalFrames,
    holds,
    runs,
    clipStartMs: shots.map((s) => out(s.narrationMs)),
    shotStartMs: shots.map((s, k) => (k === 0 ? introMs : out(s.startMs))),
    shotEndMs: boundaries.map((b) => out(b)),
    out,
    frameMs,
    mainStartMs: introMs,
    mainEndMs: (introFrames + mainFrames) * frameMs,
    totalMs: totalFrames * frameMs,
  };
}

/**
 * How many output frames of the main part show recording time up to `recMs` only: the frames whose
 * sample point (planTimeline's `sourceAt`) is at or before it, with the holds planned among them. A
 * later boundary cannot move them, so a live merge may encode them before the recording ends.
 */
export function framesUpTo(timeline: Timeline, recMs: number): number {
  const last = Math.floor(recMs / timeline.frameMs - 0.5); // the last slot i with (i + 0.5) frames ≤ recMs
  if (last < 0) return 0;
  const held = timeline.holds
    .filter((h) => h.frames && Math.ceil(h.atMs / timeline.frameMs - 1e-6) <= last)
    .reduce((sum, h) => sum + h.frames, 0);
  return last + 1 + held;
}
