import type { Box } from '@showrunner/core';
import { formatNumber as n } from './ffmpeg/args.js';
import type { MergeModel } from './model.js';
import type { ZoomOptions } from './options.js';
import type { Timeline } from './timeline.js';

/** A zoom toward one step: ease in over [a, b], hold the window, ease out over [c, d] (main-part frames). */
export interface ZoomSpan {
  a: number;
  b: number;
  c: number;
  d: number;
  /** Window at full zoom, in frame pixels, with the output's aspect ratio. */
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Free space kept around the target and the cursor's path, as a share of the window. */
const MARGIN = 0.18;
/** Below this factor a zoom is not worth the motion. */
const MIN_ZOOM = 1.12;

/**
 * Plan one zoom per step that has a target box. The window holds the box and the previous target
 * (where the cursor comes from), so the cursor is never cropped; for the first boxed step the
 * origin is unknown and the zoom starts only as the action ends. It is back to full frame when
 * the next step starts. Called once per merge when `zoom` is on.
 */
export function planZoom(model: MergeModel, timeline: Timeline, options: ZoomOptions): ZoomSpan[] {
  const { width: W, height: H } = model.frameSize;
  const scale = W / model.viewport.width;
  const toFrame = (ms: number) => Math.round((ms - timeline.mainStartMs) / timeline.frameMs);
  const ramp = Math.max(1, Math.round(options.rampMs / timeline.frameMs));
  const spans: ZoomSpan[] = [];
  let previous: Box | undefined;
  for (const [k, shot] of model.shots.entries()) {
    const box = shot.box;
    if (!box) continue;
    const from = previous;
    previous = box;
    // With no earlier target the cursor's origin is unknown: ease in only as the action lands.
    const start = from ? timeline.shotStartMs[k]! : Math.max(timeline.shotStartMs[k]!, timeline.out(shot.endMs) - options.rampMs);
    const a = toFrame(start);
    const d = toFrame(timeline.shotEndMs[k]!);
    const r = Math.min(ramp, Math.floor((d - a) / 3));
    if (r < 3) continue; // too short to ease in and out
    const window = fit([box, ...(from ? [from] : [])], scale, W, H, options.scale);
    if (!window) continue;
    spans.push({ a, b: a + r, c: d - r, d, ...window });
  }
  return spans;
}

/** The smallest window with the output aspect that holds the boxes plus margin, inside the frame. */
function fit(boxes: Box[], scale: number, W: number, H: number, maxZoom: number) {
  const x0 = Math.min(...boxes.map((b) => b.x)) * scale;
  const y0 = Math.min(...boxes.map((b) => b.y)) * scale;
  const x1 = Math.max(...boxes.map((b) => b.x + b.width)) * scale;
  const y1 = Math.max(...boxes.map((b) => b.y + b.height)) * scale;
  const need = Math.max(((x1 - x0) * (1 + 2 * MARGIN)) / W, ((y1 - y0) * (1 + 2 * MARGIN)) / H);
  const zoom = Math.min(maxZoom, 1 / Math.max(need, 1e-6));
  if (zoom < MIN_ZOOM) return undefined;
  const w = W / zoom;
  const h = H / zoom;
  const x = Math.min(Math.max((x0 + x1) / 2 - w / 2, 0), W - w);
  const y = Math.min(Math.max((y0 + y1) / 2 - h / 2, 0), H - h);
  return { x, y, w, h };
}

/**
 * zoompan expressions for the spans: the window rectangle moves linearly from the full frame to
 * the span's window with a smoothstep ease (`on` = output frame number of the main part).
 */
export function zoomExpressions(spans: ZoomSpan[], W: number): { z: string; x: string; y: string } {
  if (!spans.length) return { z: '1', x: '0', y: '0' };
  const ease = (s: ZoomSpan) =>
    `(st(0,clip(min((on-${s.a})/${s.b - s.a},(${s.d}-on)/${s.d - s.c}),0,1));ld(0)*ld(0)*(3-2*ld(0)))`;
  const sum = (term: (s: ZoomSpan) => number) => spans.map((s) => `${n(term(s))}*${ease(s)}`).join('+');
  return { z: `${W}/(${W}+${sum((s) => s.w - W)})`, x: sum((s) => s.x), y: sum((s) => s.y) };
}
