import { describe, expect, it } from 'vitest';
import { BoxTimeline, type TrackerReport } from '../src/box-timeline.js';

const box = (x: number, y = 10): [number, number, number, number, number] => [1, x, y, 100, 20];
/** Whether a box covers the rectangle [x0, y0, x1, y1]. */
const covers = (b: { x: number; y: number; width: number; height: number }, [x0, y0, x1, y1]: number[]) =>
  b.x <= x0! && b.y <= y0! && b.x + b.width >= x1! && b.y + b.height >= y1!;
const timeline = () => new BoxTimeline({ updates: 2, maxHoldMs: 1_000, goneLingerMs: 500, paintFallbackMs: 2_000 });
const feed = (t: BoxTimeline, ...reports: TrackerReport[]) => {
  for (const r of reports) t.receive(r);
};
/** The top document's report of rendering update `f` (boxes when they changed in it). */
const update = (f: number, b?: TrackerReport['b'], d = 'top'): TrackerReport => ({
  d,
  t: f + 5,
  f,
  u: true,
  ...(b ? { b } : {}),
});

describe('BoxTimeline', () => {
  it('holds a frame until an update at or after its time is reported, then gives the box on screen', () => {
    const t = timeline();
    feed(t, { d: 'top', t: 0, f: 0, top: true }, update(1_000, [box(0)]));
    expect(t.verdict(1_030, 10)).toEqual({ ready: false });
    feed(t, update(1_017), update(1_033));
    expect(t.verdict(1_030, 10)).toEqual({ ready: true, all: false, boxes: [{ x: 0, y: 10, width: 100, height: 20 }] });
  });

  it('covers every position of the last few updates before the frame, and only the latest once it rests', () => {
    const t = timeline();
    feed(t, { d: 'top', t: 0, f: 0, top: true }, update(100, [box(0)]), update(117, [box(50, 30)]), update(133));
    feed(t, update(150), update(167), update(183), update(200));
    // A frame at 140 may show update 100 (Chromium still drawing it) or 117 or 133: both boxes.
    const moving = t.verdict(140, 160);
    expect(moving.ready && moving.boxes.length === 1 && covers(moving.boxes[0]!, [0, 10, 150, 50])).toBe(true);
    // A frame at 190 shows update 150, 167 or 183: the box rests at 50.
    expect(t.verdict(190, 110)).toMatchObject({ ready: true, boxes: [{ x: 50, y: 30, width: 100, height: 20 }] });
  });

  it('widens a moving box by how far it could go between the last update and the frame (compositor motion)', () => {
    const t = timeline();
    feed(t, { d: 'top', t: 0, f: 0, top: true });
    for (let f = 100; f <= 200; f += 20) feed(t, update(f, [box(f)])); // 1 px/ms to the right
    feed(t, update(300));
    // Frame at 240: the last update before it is 200 (box at 200..300); the compositor may have moved on.
    const v = t.verdict(240, 50);
    expect(v.ready && covers(v.boxes[0]!, [160, 10, 300 + 40, 30])).toBe(true);
    // Resting boxes get no margin.
    feed(t, update(320), update(340), update(360), update(380));
    expect(t.verdict(370, 10)).toMatchObject({ boxes: [{ x: 200, width: 100 }] });
  });

  it('takes a box found between updates (a new field) from the next update on', () => {
    const t = timeline();
    feed(t, { d: 'top', t: 0, f: 0, top: true, b: [] }, update(100), { d: 'top', t: 110, f: 102, b: [box(7)] }, update(117));
    feed(t, update(133));
    expect(t.verdict(110, 90)).toMatchObject({ ready: true, boxes: [] }); // shows update 100 at most
    expect(t.verdict(125, 75)).toMatchObject({ ready: true, boxes: [{ x: 7 }] }); // may show update 117
  });

  it('blurs the whole frame when the page stops updating with boxes on screen, past maxHold', () => {
    const t = timeline();
    feed(t, { d: 'top', t: 0, f: 0, top: true }, update(100, [box(0)]));
    expect(t.verdict(200, 700)).toEqual({ ready: false });
    expect(t.verdict(200, 1100)).toMatchObject({ ready: true, all: true });
  });

  it('releases without blur a frame of a silent page that has nothing sensitive on screen', () => {
    const t = timeline();
    feed(t, { d: 'top', t: 0, f: 0, top: true, b: [] }, update(100));
    expect(t.verdict(200, 1100)).toEqual({ ready: true, all: false, boxes: [] });
  });

  it("keeps the old page's boxes until the next page paints (navigation)", () => {
    const t = timeline();
    feed(t, { d: 'old', t: 0, f: 0, top: true }, update(100, [box(0)], 'old'), { d: 'old', t: 290, gone: true });
    feed(t, { d: 'new', t: 300, f: 300, top: true, b: [] }, update(350, undefined, 'new'), update(500, undefined, 'new'));
    expect(t.verdict(400, 200)).toMatchObject({ ready: true, boxes: [{ x: 0 }] }); // the old page still on screen
    feed(t, { d: 'new', t: 520, p: 420 });
    expect(t.verdict(400, 200)).toMatchObject({ ready: true, boxes: [{ x: 0 }] });
    expect(t.verdict(470, 130)).toEqual({ ready: true, all: false, boxes: [] });
  });

  it('lets boxes of a frame document that went away linger briefly, then drops them', () => {
    const t = timeline();
    feed(
      t,
      { d: 'top', t: 0, f: 0, top: true, b: [] },
      { d: 'child', t: 10, f: 10, b: [box(5)] },
      { d: 'child', t: 100, gone: true },
    );
    for (let f = 16; f <= 2_000; f += 16) feed(t, update(f));
    expect(t.verdict(400, 1700)).toMatchObject({ ready: true, boxes: [{ x: 5 }] });
    expect(t.verdict(700, 1400)).toEqual({ ready: true, all: false, boxes: [] });
  });

  it("applies a document's first report to earlier frames when it was loaded before tracking began", () => {
    const t = timeline();
    feed(t, { d: 'top', t: 1_000, f: 1_000, top: true, pre: true, b: [box(0)] }, update(1_017), update(1_033));
    expect(t.verdict(990, 310)).toMatchObject({ ready: true, boxes: [{ x: 0 }] });
    const fresh = timeline();
    feed(fresh, { d: 'top', t: 1_000, f: 1_000, top: true, b: [box(0)] }, update(1_017), update(1_033));
    expect(fresh.verdict(990, 310)).toEqual({ ready: true, all: false, boxes: [] });
  });

  it('waits for polled elements past the frame and widens their boxes by the poll window', () => {
    const t = timeline();
    feed(t, { d: 'top', t: 0, f: 0, top: true, b: [] }, update(100), update(150), update(300));
    t.receive({ d: 'poll', t: 100, b: [box(20)] }, true);
    expect(t.verdict(140, 60)).toEqual({ ready: false });
    t.receive({ d: 'poll', t: 230, b: [box(40)] }, true);
    expect(t.verdict(140, 100)).toEqual({ ready: false }); // not yet polled past 140 + 100
    t.receive({ d: 'poll', t: 260, b: [box(40)] }, true);
    const v = t.verdict(140, 130);
    expect(v.ready && covers(v.boxes[0]!, [20, 10, 140, 30])).toBe(true);
  });

  it("passes on the tracker's request to blur everything", () => {
    const t = timeline();
    feed(t, { d: 'top', t: 0, f: 0, top: true }, { ...update(100, []), all: true }, update(300));
    expect(t.verdict(200, 200)).toMatchObject({ ready: true, all: true });
  });

  it('prunes old reports but keeps the one still on screen', () => {
    const t = new BoxTimeline({ retainMs: 1_000, updates: 2 });
    feed(t, { d: 'top', t: 0, f: 0, top: true }, update(0, [box(0)]), update(100, [box(40)]));
    for (let f = 116; f <= 5_000; f += 16) feed(t, update(f));
    t.prune(5_000);
    expect(t.verdict(4_950, 150)).toMatchObject({ ready: true, boxes: [{ x: 40, width: 100 }] });
  });
});
