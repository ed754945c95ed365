// Pages that try to show a sensitive field in the clear despite the recorder's blur. Each page has
// one field with a magenta background and large black text (easy to find in a frame, and its text
// edges are sharp when clear), labelled "Secret", and a heading that must stay sharp.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Style shared by every page: the field's box is 420×64 CSS px at (120, 220) unless it moves. */
const STYLE = `<style>
  body { margin: 0; font: 16px sans-serif; background: #fff; }
  h1 { position: absolute; left: 120px; top: 60px; margin: 0; font: bold 34px sans-serif; color: #111; }
  .f { position: absolute; left: 120px; top: 220px; width: 420px; height: 64px; box-sizing: border-box; margin: 0;
       padding: 0 12px; border: 0; outline: none; background: #f0f; color: #000; font: bold 32px monospace; }
</style>`;

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${STYLE}</head><body><h1>${title}</h1>${body}</body></html>`;

/** Undo the recorder's CSS blur on an element, by every means a page has. */
const UNBLUR = `
  const unblur = (el) => el.style.setProperty('filter', 'none', 'important');
  document.head.insertAdjacentHTML('beforeend',
    '<style>html body input.f, html body input.f[data-showrunner-sensitive] { filter: none !important }</style>');
  setInterval(() => { document.adoptedStyleSheets = []; document.querySelectorAll('.f').forEach(unblur); }, 10);`;

/** The hostile cases: path → page. `fill` says whether the recorder types into the field. */
export const HOSTILE: Record<string, { html: string; fill: boolean; sensitive?: boolean }> = {
  // 1. Page CSS beats the blur sheet: higher specificity, inline !important, sheets removed.
  'filter-none': {
    fill: true,
    html: page('Filter none', `<input class="f" type="password" aria-label="Secret"><script>${UNBLUR}</script>`),
  },
  // 2. adoptedStyleSheets replaced by a sheet of the page's own, again and again.
  'swap-sheets': {
    fill: true,
    html: page(
      'Swap sheets',
      `<input class="f" type="password" aria-label="Secret"><script>
        const mine = new CSSStyleSheet(); mine.replaceSync('input { filter: none !important }');
        setInterval(() => { document.adoptedStyleSheets = [mine]; }, 5);</script>`,
    ),
  },
  // 3. The sensitive attribute is removed as soon as the recorder sets it.
  'remove-attr': {
    fill: true,
    sensitive: true,
    html: page(
      'Remove attribute',
      `<input class="f" type="text" aria-label="Secret" autocomplete="off"><script>${UNBLUR}
        new MutationObserver((rs) => rs.forEach((r) => r.target.removeAttribute('data-showrunner-sensitive')))
          .observe(document, { subtree: true, attributes: true, attributeFilter: ['data-showrunner-sensitive'] });</script>`,
    ),
  },
  // 4. A password field that becomes a text field as soon as it gets focus.
  'type-change': {
    fill: true,
    html: page(
      'Type change',
      `<input class="f" type="password" aria-label="Secret"><script>${UNBLUR}
        document.querySelector('.f').addEventListener('focus', (e) => { e.target.type = 'text'; });</script>`,
    ),
  },
  // 5. Once focused (a click needs a still target), the field jumps on every keystroke and slides
  // on every animation frame.
  moving: {
    fill: true,
    html: page(
      'Moving field',
      `<input class="f" type="password" aria-label="Secret"><script>${UNBLUR}
        const f = document.querySelector('.f'); let jump = 0;
        f.addEventListener('input', () => { jump = (jump + 1) % 4; });
        const slide = (now) => {
          f.style.left = (120 + 90 * Math.sin(now / 180) + 60 * jump) + 'px';
          f.style.top = (220 + 50 * (jump % 2)) + 'px';
          requestAnimationFrame(slide);
        };
        f.addEventListener('focus', () => requestAnimationFrame(slide), { once: true });</script>`,
    ),
  },
  // 6. Once focused, the field slides by a compositor animation (off the page's main thread).
  'css-animation': {
    fill: true,
    html: page(
      'Compositor animation',
      `<style>@keyframes slide { from { transform: translateX(0) } to { transform: translateX(260px) } }
        .f:focus { animation: slide 700ms ease-in-out infinite alternate; }</style>
      <input class="f" type="password" aria-label="Secret"><script>${UNBLUR}</script>`,
    ),
  },
  // 7. The page patches the DOM so the recorder's mark never arrives (setAttribute, dispatchEvent).
  patched: {
    fill: true,
    sensitive: true,
    html: page(
      'Patched DOM',
      `<input class="f" type="text" aria-label="Secret" autocomplete="off"><script>${UNBLUR}
        const setAttribute = Element.prototype.setAttribute;
        Element.prototype.setAttribute = function (name, value) {
          if (!String(name).startsWith('data-showrunner')) return setAttribute.call(this, name, value);
        };
        const dispatch = EventTarget.prototype.dispatchEvent;
        EventTarget.prototype.dispatchEvent = function (event) {
          return String(event.type).startsWith('showrunner') ? true : dispatch.call(this, event);
        };</script>`,
    ),
  },
  // 8. A field in a shadow root, which the document's blur sheet cannot reach at all.
  shadow: {
    fill: true,
    sensitive: true,
    html: page(
      'Shadow root',
      `<div id="host"></div><script>
        const root = document.getElementById('host').attachShadow({ mode: 'open' });
        root.innerHTML = ${JSON.stringify(STYLE)} + '<input class="f" type="text" aria-label="Secret" autocomplete="off">';</script>`,
    ),
  },
  // 9. A password field with the value already in it, in a same-origin frame that undoes the blur
  // (a spinner keeps frames coming).
  frame: {
    fill: false,
    html: page(
      'Framed field',
      `<style>@keyframes spin { to { transform: rotate(360deg) } }</style>
      <div style="position:absolute;left:700px;top:380px;width:30px;height:30px;background:#39f;animation:spin 1s linear infinite"></div>
      <iframe src="/frame-inner" style="position:absolute;left:100px;top:200px;width:480px;height:110px;border:0"></iframe>`,
    ),
  },
};

/** The secret every case types (or, in the frame case, shows). */
export const HOSTILE_SECRET = 'Quartz-Zebra-7731!';

const FRAME_INNER = `<!doctype html><html><head>${STYLE}<style>.f { left: 20px; top: 20px; }</style></head><body>
  <input class="f" type="password" value="${HOSTILE_SECRET}"><script>${UNBLUR}</script></body></html>`;

/** An endlessly animating page (for the captured-bytes cap). */
const ANIMATED = page(
  'Animated',
  `<canvas id="c" width="900" height="500" style="position:absolute;left:0;top:120px"></canvas><script>
    const c = document.getElementById('c').getContext('2d');
    const draw = (now) => {
      for (let i = 0; i < 40; i++) { c.fillStyle = 'hsl(' + ((now / 3 + i * 37) % 360) + ',80%,50%)';
        c.fillRect((i * 97 + now / 2) % 900, (i * 53) % 500, 60, 60); }
      requestAnimationFrame(draw);
    };
    requestAnimationFrame(draw);</script>`,
);

/** Serve the hostile pages at `/<case>`, the frame's inside at `/frame-inner`, and `/animated`. */
export async function hostileServer() {
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    const html = name === 'frame-inner' ? FRAME_INNER : name === 'animated' ? ANIMATED : HOSTILE[name]?.html;
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
