import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toAss } from '../burn.js';
import type { Cue } from '../captions.js';
import { chain, filter, runFile } from '../ffmpeg/args.js';
import type { MergeModel } from '../model.js';
import type { Timeline } from '../timeline.js';
import { concatScript, mainVideoFilters } from '../video.js';
import type { ZoomSpan } from '../zoom.js';
import { finishing, type Looks } from './looks.js';

/** argv strings above this go through a script file (Linux caps one argument at 128 KiB). */
const MAX_INLINE_GRAPH = 100_000;
/** Caption times are centiseconds in ASS: a cue this close to a segment's edge still counts as in it. */
const CUE_MARGIN_MS = 10;

/** The main part's output frames [from, to) of one plan: what a segment renders and what it depended on. */
export interface Segment {
  from: number;
  to: number;
  /** Source frames and repeat counts over [from, to). */
  runs: Timeline['runs'];
  /** Caption cues that show on some frame of it. */
  cues: Cue[];
  /** Zoom spans that move some frame of it (main-part frame numbers). */
  spans: ZoomSpan[];
}

/**
 * Cut a segment out of a plan. A live merge plans on a recording that is still growing; what it renders
 * of [from, to) depends only on what this returns, so a segment cut from the final plan that compares
 * equal (segmentKey) proves the live frames are the final ones.
 */
export function cutSegment(timeline: Timeline, cues: Cue[], spans: ZoomSpan[], from: number, to: number): Segment {
  const runs: Timeline['runs'] = [];
  let i = 0;
  for (const run of timeline.runs) {
    const start = Math.max(from, i);
    const end = Math.min(to, i + run.count);
    if (end > start) runs.push({ frame: run.frame, count: end - start });
    i += run.count;
    if (i >= to) break;
  }
  const { first, last } = edges(timeline, from, to);
  return {
    from,
    to,
    runs,
    cues: cues.filter((c) => c.startMs <= last && c.endMs > first),
    spans: spans.filter((s) => s.a < to && s.d > from),
  };
}

/**
 * A segment as comparable text: frame files (not indexes, which grow with the recording), spans, and
 * cues clipped to its frames (a cue whose end a later step will still move shows the same here).
 */
export function segmentKey(model: MergeModel, timeline: Timeline, segment: Segment): string {
  const { first, last } = edges(timeline, segment.from, segment.to);
  return JSON.stringify({
    from: segment.from,
    to: segment.to,
    runs: segment.runs.map((r) => [model.frames[r.frame]!.file, r.count]),
    cues: segment.cues.map((c) => [Math.max(c.startMs, first), Math.min(c.endMs, last), c.text]),
    spans: segment.spans,
  });
}

/** Output ms around frames [from, to) within which caption times matter. */
function edges(timeline: Timeline, from: number, to: number): { first: number; last: number } {
  const at = (frame: number) => timeline.mainStartMs + frame * timeline.frameMs;
  return { first: at(from) - CUE_MARGIN_MS, last: at(to - 1) + CUE_MARGIN_MS };
}

/**
 * ffmpeg arguments that write a main-part segment as raw yuv420p frames to stdout: its frames from the
 * concat script, the main filters (zoom counted from the segment's first frame), then captions at the
 * frames' times in the whole video, the watermark. Script files go into `work`, named by `name`.
 */
export async function mainSegmentArgs(
  model: MergeModel,
  timeline: Timeline,
  looks: Looks,
  segment: Segment,
  work: string,
  name: string,
): Promise<string[]> {
  const concat = path.join(work, `${name}.ffconcat`);
  await writeFile(concat, concatScript(model, { runs: segment.runs }));
  const shifted = segment.spans.map((s) => ({
    ...s,
    a: s.a - segment.from,
    b: s.b - segment.from,
    c: s.c - segment.from,
    d: s.d - segment.from,
  }));
  const filters = mainVideoFilters(
    model,
    { ...timeline, mainFrames: segment.to - segment.from },
    looks.size,
    looks.zoom && shifted,
  );
  let ass: string | undefined;
  if (looks.burn && segment.cues.length) {
    ass = path.join(work, `${name}.ass`);
    await writeFile(ass, toAss(segment.cues));
    // libass shows what is on screen at each frame's time in the whole video.
    filters.push(filter('settb', [`1/${timeline.fps}`]), filter('setpts', [`N+${timeline.introFrames + segment.from}`]));
  }
  filters.push(...finishing(looks, ass));
  return [
    ...runFile(concat, 'concat', ['-safe', '0']),
    ...(await graphArgs('-vf', '-filter_script:v', filters.join(','), work, name)),
    ...rawOut(looks),
  ];
}

/** ffmpeg arguments that write a title card as raw frames to stdout (watermarked like the rest). */
export async function cardSegmentArgs(
  looks: Looks,
  card: NonNullable<Looks['intro']>,
  work: string,
  name: string,
): Promise<string[]> {
  const text = chain([], [...card.filters, ...finishing(looks, undefined)], ['v']);
  return [...(await graphArgs('-filter_complex', '-filter_complex_script', text, work, name)), '-map', '[v]', ...rawOut(looks)];
}

/** Frames out exactly as the graph makes them (no rate conversion: the encoder's input is the clock). */
function rawOut(looks: Looks): string[] {
  const passthrough = looks.caps.fpsMode ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
  return [...passthrough, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'];
}

async function graphArgs(inline: string, script: string, text: string, work: string, name: string): Promise<string[]> {
  if (text.length <= MAX_INLINE_GRAPH) return [inline, text];
  const file = path.join(work, `${name}.graph.txt`);
  await writeFile(file, text);
  return [script, file];
}
