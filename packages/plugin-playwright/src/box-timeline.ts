/** A box in CSS px of the top viewport. */
export interface CssBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One report of a document's tracker (or of the recorder polling an element). `b` (boxes in CSS px
 * of the top viewport: id, x, y, width, height) is present when they changed.
 */
export interface TrackerReport {
  /** Source id: a document (random, one per document) or a poll. */
  d: string;
  /** Epoch ms when the report was sent (`Date.now()`). */
  t: number;
  /**
   * Epoch ms of the rendering update the report belongs to (its `requestAnimationFrame` time);
   * reports made between updates are stamped just after the last one.
   */
  f?: number;
  /** Made during rendering update `f`: the top document's reports list every update. */
  u?: boolean;
  /** First report of a document: whether it is the top frame's. */
  top?: boolean;
  /** First report of a document that was loaded before the tracker started. */
  pre?: boolean;
  b?: [number, number, number, number, number][];
  /** Blur everything (too many elements, or a frame whose position cannot be known). */
  all?: boolean;
  /** Epoch ms of the document's first paint. */
  p?: number;
  /** The document was hidden (navigation, frame removed), or the polled element went away. */
  gone?: boolean;
  /** Mark id of an element the recorder handed over (acknowledges `Overlay.markSensitive`). */
  m?: string;
}

/** What to blur in one frame, or that the frame must wait for later reports. */
export type Verdict = { ready: false } | { ready: true; boxes: CssBox[]; all: boolean };

/** Timing of the timeline. */
export interface TimelineOptions {
  /**
   * Rendering updates before a frame's time that it may show: Chromium draws the latest committed
   * update, and up to two more may have begun before the frame (pipelining).
   */
  updates: number;
  /**
   * Longest a frame waits (from its arrival) for the page's next update; then, with boxes on
   * screen, it is blurred whole. Under heavy load the page may lag the compositor by a second.
   */
  maxHoldMs: number;
  /** Polled boxes count for frames this long before and after the poll (polls are coarse). */
  pollBeforeMs: number;
  pollAfterMs: number;
  /** How long boxes of a frame's document outlive it (its frame may still show it a moment). */
  goneLingerMs: number;
  /** A new top document without a paint report replaces the old one's boxes after this. */
  paintFallbackMs: number;
  /** Reports older than this (and not still in effect) are dropped. */
  retainMs: number;
}

export const TIMELINE_DEFAULTS: TimelineOptions = {
  updates: 4,
  maxHoldMs: 2_000,
  pollBeforeMs: 300,
  pollAfterMs: 100,
  goneLingerMs: 1_000,
  paintFallbackMs: 2_000,
  retainMs: 5_000,
};

/** The hull of an element's positions, and the fastest it moved between two of them (px/ms). */
interface Hull {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  speed: number;
  last: { at: number; x: number; y: number; w: number; h: number };
}

function addToHull(hulls: Map<string, Hull>, key: string, at: number, x: number, y: number, w: number, h: number): void {
  const hull = hulls.get(key);
  if (!hull) {
    hulls.set(key, { x0: x, y0: y, x1: x + w, y1: y + h, speed: 0, last: { at, x, y, w, h } });
    return;
  }
  const p = hull.last;
  const moved = Math.max(Math.abs(x - p.x), Math.abs(y - p.y), Math.abs(x + w - p.x - p.w), Math.abs(y + h - p.y - p.h));
  if (moved > 0) hull.speed = Math.max(hull.speed, moved / Math.max(at - p.at, 1));
  hull.last = { at, x, y, w, h };
  hull.x0 = Math.min(hull.x0, x);
  hull.y0 = Math.min(hull.y0, y);
  hull.x1 = Math.max(hull.x1, x + w);
  hull.y1 = Math.max(hull.y1, y + h);
}

/** Frame times of one update seen from two documents differ by rounding: within this, they are the same. */
const SAME_MS = 1;

type Boxes = NonNullable<TrackerReport['b']>;

interface Sample {
  /** Update frame time (page sources) or poll time. */
  at: number;
  boxes: Boxes;
  all: boolean;
}

/** One source of boxes: a document's tracker, or the recorder polling one element. */
interface Doc {
  id: string;
  top: boolean;
  poll: boolean;
  started: number;
  /** Loaded before tracking began: its first report also holds for earlier frames. */
  pre: boolean;
  painted?: number;
  gone?: number;
  lastT: number;
  samples: Sample[];
}

/**
 * The boxes of sensitive elements over time, from every source, and the question capture asks of
 * each frame: which boxes may it show, and is that known yet? Chromium stamps a screencast frame
 * with a time after the frame time of the rendering update it shows, and draws the latest update it
 * has, so a frame at `S` shows one of the last few updates before `S`. A frame is ready once an
 * update at or after `S` has been reported (every report before it has arrived: one channel, in
 * order); its boxes are the hull, per element, of every position in those updates. If the page
 * stops updating for `maxHoldMs` with boxes on screen, the frame is blurred whole. Fed by the
 * tracker's binding and by polls; read by Capture. Single-threaded (Node's event loop); no I/O.
 */
export class BoxTimeline {
  private readonly docs = new Map<string, Doc>();
  /** Frame times of the top documents' rendering updates, ascending. */
  private readonly updates: number[] = [];
  private readonly options: TimelineOptions;

  constructor(options: Partial<TimelineOptions> = {}) {
    this.options = { ...TIMELINE_DEFAULTS, ...options };
  }

  /** Take one report; `poll` marks a source the recorder polls (stamped with `t`, not frame times). */
  receive(report: TrackerReport, poll = false): void {
    let doc = this.docs.get(report.d);
    if (!doc) {
      doc = {
        id: report.d,
        top: report.top === true && !poll,
        poll,
        started: report.t,
        pre: report.pre === true,
        lastT: report.t,
        samples: [],
      };
      this.docs.set(report.d, doc);
    }
    doc.lastT = Math.max(doc.lastT, report.t);
    if (report.p !== undefined) doc.painted ??= report.p;
    if (report.gone) doc.gone ??= report.t;
    const at = poll ? report.t : (report.f ?? report.t);
    if (doc.top && report.u && at > (this.updates.at(-1) ?? Number.NEGATIVE_INFINITY)) this.updates.push(at);
    if (report.b) doc.samples.push({ at, boxes: report.b, all: report.all === true });
  }

  /** What to blur in the frame stamped `wall` (epoch ms), which has been waiting `heldMs`. */
  verdict(wall: number, heldMs: number): Verdict {
    const { updates } = this;
    let waiting = !(updates.length && updates.at(-1)! >= wall);
    // The last `updates` rendering updates before the frame's time.
    let hi = -1;
    while (hi + 1 < updates.length && updates[hi + 1]! < wall) hi++;
    const top = hi >= 0 ? updates[hi]! + SAME_MS : Number.NEGATIVE_INFINITY;
    const k = hi - this.options.updates;
    const bottom = k >= 0 ? updates[k]! + SAME_MS : Number.NEGATIVE_INFINITY;

    const hulls = new Map<string, Hull>();
    let all = false;
    for (const doc of this.docs.values()) {
      if (wall >= this.end(doc)) continue;
      const [from, to] = doc.poll ? [wall - this.options.pollBeforeMs, wall + this.options.pollAfterMs] : [bottom, top];
      if (doc.poll && doc.gone === undefined && doc.lastT < to) waiting = true;
      // The sample in effect at `from`, and every later one up to `to`.
      let first = -1;
      doc.samples.forEach((s, i) => {
        if (s.at <= from || (i === 0 && doc.pre)) first = i;
      });
      doc.samples.forEach((s, i) => {
        if (i < Math.max(first, 0) || (i > first && s.at > to)) return;
        all ||= s.all;
        for (const [id, x, y, w, h] of s.boxes) addToHull(hulls, `${doc.id}:${id}`, s.at, x, y, w, h);
      });
    }
    // Chromium animates transforms and scrolls on its compositor, ahead of the page's last update:
    // widen a moving box by twice the distance it could cover from that update to the frame.
    const ahead = Math.max(0, wall - top) + 17;
    const boxes = [...hulls.values()].map((h) => {
      const m = h.speed > 0 ? h.speed * ahead * 2 + 4 : 0;
      return { x: h.x0 - m, y: h.y0 - m, width: h.x1 - h.x0 + 2 * m, height: h.y1 - h.y0 + 2 * m };
    });
    if (!waiting) return { ready: true, boxes, all };
    if (heldMs < this.options.maxHoldMs) return { ready: false };
    // The page went silent: whatever was on screen may have moved since.
    return { ready: true, boxes, all: all || boxes.length > 0 };
  }

  /** Drop what no frame can ask about any more (frames arrive well within `retainMs`). */
  prune(now: number): void {
    const cutoff = now - this.options.retainMs;
    const old = this.updates.findIndex((f) => f >= cutoff) - this.options.updates - 1;
    if (old > 0) this.updates.splice(0, old);
    for (const doc of this.docs.values()) {
      if (this.end(doc) < cutoff) {
        this.docs.delete(doc.id);
        continue;
      }
      const keep = doc.samples.findIndex((_, i) => (doc.samples[i + 1]?.at ?? Number.POSITIVE_INFINITY) > cutoff);
      if (keep > 0) {
        doc.samples.splice(0, keep);
        doc.pre = false;
      }
    }
  }

  /**
   * Until when a document's boxes may be on screen. A top document's last boxes stay until the
   * next top document paints (the old page stays visible while the new one loads); a frame's
   * document's until a little after it went away, or until a later top document paints.
   */
  private end(doc: Doc): number {
    let end = doc.top || doc.gone === undefined ? Number.POSITIVE_INFINITY : doc.gone + this.options.goneLingerMs;
    for (const other of this.docs.values()) {
      if (!other.top || other === doc || other.started <= doc.started || doc.poll) continue;
      end = Math.min(end, other.painted ?? other.started + this.options.paintFallbackMs);
    }
    return end;
  }
}
