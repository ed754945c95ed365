// Runs INSIDE the recorded page, in an isolated world of its own (CDP `worldName`), so it must stay
// self-contained: no imports, no helpers from other modules. The page's scripts share the DOM with
// it but not its JavaScript: they cannot see its variables, its binding or its observers, and
// patching `Element.prototype` or `requestAnimationFrame` in the page changes nothing here.
import type { TrackerReport } from './box-timeline.js';

/** What the recorder passes to the tracker. */
export interface TrackerConfig {
  /** Name of the CDP binding that carries reports to the recorder (exists in this world only). */
  binding: string;
  /** Attribute that marks an element sensitive (the CSS layer blurs it too). */
  attr: string;
  /** Event type the recorder dispatches on an element to hand it to the tracker. */
  markEvent: string;
  /** More tracked elements than this and the tracker asks for the whole frame to be blurred. */
  maxElements: number;
  /** Started in a document that was already loaded (its reports hold from before they began). */
  existing?: boolean;
}

/**
 * Track the boxes of sensitive elements in one document and report them through the binding:
 * password inputs (found by a MutationObserver and kept even if their type changes later),
 * elements that ever carried the sensitive attribute (kept even if it is removed), and elements
 * the recorder hands over with `markEvent`.
 *
 * Every report is stamped with `f`, the frame time of the rendering update it describes (the
 * `requestAnimationFrame` time, which Chromium also uses for the screencast frame showing that
 * update). Boxes are measured in a ResizeObserver callback, which runs after the page's animation
 * frame callbacks and layout, right before paint. The top document also reports every update, so
 * the recorder knows when all updates before a frame's time have been reported. Runs once per
 * document, at its start.
 */
export function trackerMain(cfg: TrackerConfig): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const binding = g[cfg.binding];
  if (typeof binding !== 'function' || g.__showrunnerTracker) return;
  g.__showrunnerTracker = true;
  const newId = () => Math.random().toString(36).slice(2, 12);
  let doc = newId();
  const top = window === window.top;
  // Frame time of the latest rendering update; reports made between updates (a mutation, a mark)
  // describe the state from the next update on, so they are stamped just after it.
  let frameTime = performance.timeOrigin + performance.now();
  const send = (report: Omit<TrackerReport, 'd' | 't' | 'f'>, f = frameTime + 2) => {
    try {
      (binding as (payload: string) => void)(JSON.stringify({ d: doc, t: Date.now(), f, ...report }));
    } catch {
      // The document is going away.
    }
  };

  // Element → [id, sticky]. Sticky ones (marked) stay tracked while detached; found password
  // inputs are dropped when detached and found again if they come back.
  const tracked = new Map<Element, [number, boolean]>();
  let nextId = 1;
  let overflow = false;
  const range = document.createRange();
  let last = '[]';

  const frameOffset = (): { x: number; y: number } | null => {
    let x = 0;
    let y = 0;
    let w: Window = window;
    while (w !== w.top) {
      const frame = w.frameElement; // null when the parent is cross-origin: position unknown
      if (!frame) return null;
      const r = frame.getBoundingClientRect();
      const style = getComputedStyle(frame);
      x += r.left + frame.clientLeft + Number.parseFloat(style.paddingLeft || '0');
      y += r.top + frame.clientTop + Number.parseFloat(style.paddingTop || '0');
      w = w.parent;
    }
    return { x, y };
  };

  const measure = (): { boxes: [number, number, number, number, number][]; all: boolean } => {
    const boxes: [number, number, number, number, number][] = [];
    let offset: { x: number; y: number } | null | undefined;
    for (const [el, [id, sticky]] of tracked) {
      if (!el.isConnected) {
        if (!sticky) tracked.delete(el);
        continue;
      }
      // A range over the element covers its own box and every descendant's, overflow included,
      // and still has boxes when the page sets `display: contents` on it.
      range.selectNode(el);
      const r = range.getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0) continue;
      const x0 = Math.max(r.left, 0);
      const y0 = Math.max(r.top, 0);
      const x1 = Math.min(r.right, innerWidth);
      const y1 = Math.min(r.bottom, innerHeight);
      if (x1 <= x0 || y1 <= y0) continue;
      offset ??= frameOffset();
      if (!offset) return { boxes: [], all: true };
      const round = (n: number) => Math.round(n * 100) / 100;
      boxes.push([id, round(x0 + offset.x), round(y0 + offset.y), round(x1 - x0), round(y1 - y0)]);
    }
    return { boxes, all: overflow };
  };

  /** Report the boxes if they changed (or `force`); `f` stamps the update they belong to. */
  const tick = (force: boolean, f?: number): boolean => {
    const { boxes, all } = measure();
    const key = all ? 'all' : JSON.stringify(boxes);
    if (!force && key === last) return false;
    last = key;
    const u = f !== undefined; // measured in a rendering update
    send(all ? { b: boxes, all: true, u } : { b: boxes, u }, f);
    return true;
  };

  // Each rendering update: note its frame time, observe every tracked element afresh (so the
  // ResizeObserver calls back in this update, after layout), and, in the top document, report the
  // update. When nothing tracked was rendered last update, measure here (an element hidden since).
  let observedLast = false;
  const ro = new ResizeObserver(() => {
    observedLast = true;
    tick(false, frameTime);
  });
  const loop = (now: number) => {
    frameTime = performance.timeOrigin + now;
    const reported = tracked.size > 0 && !observedLast && tick(false, frameTime);
    observedLast = false;
    for (const el of tracked.keys()) {
      ro.unobserve(el);
      if (el.isConnected) ro.observe(el, { box: 'border-box' });
    }
    if (top && !reported) send({ u: true }, frameTime);
    requestAnimationFrame(loop);
  };

  const track = (el: Element, sticky: boolean): number => {
    const known = tracked.get(el);
    if (known) {
      known[1] ||= sticky;
      return known[0];
    }
    if (tracked.size >= cfg.maxElements) {
      overflow = true;
      return 0;
    }
    const id = nextId++;
    tracked.set(el, [id, sticky]);
    return id;
  };

  const SELECTOR = `input[type="password" i], [${cfg.attr}]`;
  const observed = new WeakSet<Node>();
  const scan = (root: Element | Document | ShadowRoot) => {
    if (root instanceof Element && root.matches(SELECTOR)) track(root, root.hasAttribute(cfg.attr));
    root.querySelectorAll(SELECTOR).forEach((el) => {
      track(el, el.hasAttribute(cfg.attr));
    });
    sweep(root);
  };
  // forEach, not for-of: NodeList iteration needs the DOM iterable typings, which not every build has.
  const sweep = (root: Element | Document | ShadowRoot) =>
    root.querySelectorAll('*').forEach((el) => {
      if (el.shadowRoot) watch(el.shadowRoot);
    });
  const mo = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target instanceof Element) {
        // A record is delivered even if the page removed the attribute again since.
        const el = r.target;
        if (r.attributeName === cfg.attr) track(el, true);
        else if (el instanceof HTMLInputElement && el.type === 'password') track(el, false);
      } else {
        r.addedNodes.forEach((node) => {
          if (node instanceof Element) scan(node);
        });
      }
    }
    if (tracked.size) tick(false); // before the update that paints the change
  });
  const watch = (root: Document | ShadowRoot) => {
    if (observed.has(root)) return;
    observed.add(root);
    mo.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['type', cfg.attr] });
    scan(root);
  };

  addEventListener(
    cfg.markEvent,
    (event) => {
      const el = event.composedPath()[0];
      if (!(el instanceof Element)) return;
      track(el, true);
      tick(true);
      send({ m: String((event as CustomEvent).detail) });
    },
    true,
  );
  addEventListener('pagehide', () => send({ gone: true }));
  addEventListener('pageshow', (event) => {
    if (!(event as PageTransitionEvent).persisted) return;
    doc = newId(); // back from the back/forward cache: a new document for the recorder
    send({ top });
    tick(true);
  });
  try {
    let painted = false;
    new PerformanceObserver((list) => {
      const entry = list.getEntries()[0];
      if (painted || !entry) return;
      painted = true;
      send({ p: performance.timeOrigin + entry.startTime });
    }).observe({ type: 'paint', buffered: true });
  } catch {
    // No paint timing: the recorder falls back to a delay.
  }

  send(cfg.existing ? { top, pre: true } : { top });
  watch(document);
  tick(true);
  requestAnimationFrame(loop);
  // Shadow roots attached after their host was inserted are found by a slow sweep.
  setInterval(() => sweep(document), 1_000);
}
