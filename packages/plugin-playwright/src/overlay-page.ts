// Runs INSIDE the recorded page (serialized by Playwright's addInitScript), so it must stay
// self-contained: no imports, no helpers from other modules.

/** What the recorder passes to the in-page script. */
export interface OverlayConfig {
  /** Blur radius in CSS px for password fields and elements marked sensitive. */
  blurPx: number;
}

/** A box in CSS px of the viewport. */
export interface OverlayBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The in-page API, stored under `window[Symbol.for('showrunner.overlay')]`. */
export interface OverlayApi {
  /** Make sure the blur style sheet is still adopted (an app may replace `adoptedStyleSheets`). */
  adopt(): void;
  /** Show the cursor at a point, without motion. */
  place(x: number, y: number): void;
  /** Glide the cursor to a point; resolves when it arrives. */
  move(x: number, y: number, ms: number): Promise<void>;
  /** Draw an expanding ring at a point (a click). */
  ring(x: number, y: number): void;
  /** Frame a box (or remove the frame with null). */
  highlight(box: OverlayBox | null): void;
  /** Repaint one invisible pixel so the screencast sends a fresh frame. */
  nudge(): void;
  /** Where the cursor is, or null before it was placed. */
  position(): { x: number; y: number } | null;
}

/** Name of the attribute the recorder sets on sensitive targets; the sheet blurs it. */
export const SENSITIVE_ATTR = 'data-showrunner-sensitive';

/**
 * Installs the overlay in a document. Called by Chromium at the start of every document of the
 * recorded context (main frame and iframes), before the app's own scripts.
 */
export function overlayMain(config: OverlayConfig): void {
  const KEY = Symbol.for('showrunner.overlay');
  const w = window as unknown as Record<symbol, OverlayApi | undefined>;
  if (w[KEY]) return;

  // Blur: password fields and marked elements, in every document, from its first paint.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`input[type="password" i], [data-showrunner-sensitive] { filter: blur(${config.blurPx}px) !important; }`);
  const adopt = () => {
    if (!document.adoptedStyleSheets.includes(sheet)) document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  };
  adopt();

  let host: HTMLElement | undefined;
  let root: ShadowRoot | undefined;
  let cursor: HTMLElement | undefined;
  let box: HTMLElement | undefined;
  let pixel: HTMLElement | undefined;
  let at: { x: number; y: number } | null = null;
  let tick = false;

  // The overlay lives in a closed shadow root on a fixed, zero-interaction host: the app's CSS
  // cannot reach it, it takes no space, hit-testing passes through, and screen readers skip it.
  const mount = (): ShadowRoot => {
    if (host?.isConnected && root) return root;
    host = document.createElement('showrunner-overlay');
    host.setAttribute('aria-hidden', 'true');
    host.style.cssText =
      'all:initial!important;position:fixed!important;inset:0!important;pointer-events:none!important;' +
      'z-index:2147483647!important;display:block!important;contain:strict!important;';
    root = host.attachShadow({ mode: 'closed' });
    root.innerHTML = `<style>
      :host, * { pointer-events: none; }
      .cursor { position: absolute; left: 0; top: 0; width: 24px; height: 32px; will-change: transform;
        filter: drop-shadow(0 1px 2px rgba(0,0,0,.45)); visibility: hidden; }
      .ring { position: absolute; width: 40px; height: 40px; margin: -20px 0 0 -20px; border-radius: 50%;
        border: 3px solid rgba(37,99,235,.95); background: rgba(59,130,246,.25); box-sizing: border-box; }
      .box { position: absolute; border-radius: 8px; outline: 3px solid rgba(37,99,235,.9); outline-offset: 3px;
        background: rgba(59,130,246,.10); }
      .px { position: absolute; right: 0; bottom: 0; width: 1px; height: 1px; background: rgba(0,0,0,.011); }
    </style>
    <div class="px"></div>
    <svg class="cursor" viewBox="0 0 24 32" xmlns="http://www.w3.org/2000/svg">
      <path d="M2 2 L2 25 L8 19.5 L12 29 L16 27.3 L12 18 L20 18 Z" fill="#111" stroke="#fff" stroke-width="1.6"
        stroke-linejoin="round"/>
    </svg>`;
    cursor = root.querySelector('.cursor') as HTMLElement;
    pixel = root.querySelector('.px') as HTMLElement;
    document.documentElement.appendChild(host);
    if (at) show(at.x, at.y);
    return root;
  };

  // The arrow's tip is at (2, 2) in its box.
  const show = (x: number, y: number) => {
    if (!cursor) return;
    cursor.style.transform = `translate(${x - 2}px, ${y - 2}px)`;
    cursor.style.visibility = 'visible';
  };

  const api: OverlayApi = {
    adopt,
    place(x, y) {
      at = { x, y };
      mount();
      show(x, y);
    },
    move(x, y, ms) {
      mount();
      const from = at ?? { x, y };
      at = { x, y };
      if (!cursor || ms <= 0) {
        show(x, y);
        return Promise.resolve();
      }
      cursor.style.visibility = 'visible';
      const anim = cursor.animate(
        [{ transform: `translate(${from.x - 2}px, ${from.y - 2}px)` }, { transform: `translate(${x - 2}px, ${y - 2}px)` }],
        { duration: ms, easing: 'cubic-bezier(.45,.05,.25,1)', fill: 'forwards', id: 'showrunner' },
      );
      return anim.finished.then(
        () => {
          show(x, y);
          anim.cancel();
        },
        () => show(x, y),
      );
    },
    ring(x, y) {
      const r = mount();
      const ring = document.createElement('div');
      ring.className = 'ring';
      ring.style.left = `${x}px`;
      ring.style.top = `${y}px`;
      r.insertBefore(ring, cursor ?? null);
      const anim = ring.animate(
        [
          { transform: 'scale(.35)', opacity: 1 },
          { transform: 'scale(1.5)', opacity: 0 },
        ],
        { duration: 600, easing: 'ease-out', fill: 'forwards', id: 'showrunner' },
      );
      anim.finished.finally(() => ring.remove()).catch(() => {});
    },
    highlight(rect) {
      const r = mount();
      box?.remove();
      box = undefined;
      if (!rect) return;
      box = document.createElement('div');
      box.className = 'box';
      Object.assign(box.style, {
        left: `${rect.x}px`,
        top: `${rect.y}px`,
        width: `${rect.width}px`,
        height: `${rect.height}px`,
      });
      r.insertBefore(box, r.querySelector('.cursor'));
      box.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 200, fill: 'forwards', id: 'showrunner' });
    },
    nudge() {
      mount();
      tick = !tick;
      if (pixel) pixel.style.background = tick ? 'rgba(0,0,0,.012)' : 'rgba(0,0,0,.011)';
    },
    position: () => at,
  };
  Object.defineProperty(window, KEY, { value: api, enumerable: false });
}
