// Hostile pages for the recorder's guards: a "site" on 127.0.0.1 whose pages try to leave it
// (links, scripts, forms, meta refresh, redirects), open dialogs and popups in loops, start huge
// downloads, register service workers and never finish loading; and a "foreign" site on
// `localhost` (another site by the navigation policy's rules) painted solid red, so a frame that
// shows it is easy to find.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Size of the download the site offers; the recorder must refuse it long before the end. */
export const DOWNLOAD_BYTES = 512 * 1024 ** 2;

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px system-ui,sans-serif;margin:32px} button,a{display:inline-block;margin:6px;font:inherit;padding:6px 12px}</style>
</head><body>${body}</body></html>`;

/** What the site serves; `foreign` is the other site's origin. */
function sitePages(foreign: string): Record<string, string> {
  return {
    '/': page('Home', '<h1>Home</h1><p>home ready</p><a href="/nav">Navigation lab</a>'),
    '/nav': page(
      'Navigation lab',
      `<h1>Navigation lab</h1>
<a href="${foreign}link?token=t0p">Foreign link</a>
<button onclick="location.href='${foreign}script'">Script jump</button>
<form method="post" action="${foreign}form"><input type="hidden" name="card" value="4242"><button>Post form</button></form>
<a href="/meta">Meta refresh</a>
<button onclick="location.href='/redirect'">Redirect</button>
<button onclick="location.href='about:blank'">Blank</button>
<button onclick="for (const u of ['file:///etc/passwd','data:text/html,<h1>data</h1>','view-source:${foreign}','chrome://version','javascript:document.title=1']) { try { location.href = u } catch {} }">Schemes</button>
<button onclick="setTimeout(() => { location.href = '${foreign}late' }, 300)">Late jump</button>
<a href="${foreign}blank" target="_blank">Foreign tab</a>
<a href="/" target="_blank">Own tab</a>`,
    ),
    '/meta': page('Meta', `<meta http-equiv="refresh" content="0;url=${foreign}meta"><h1>Meta</h1>`),
    '/chromium': page(
      'Chromium lab',
      `<h1>Chromium lab</h1><p id="out">idle</p>
<button onclick="out.textContent = [alert('a') === undefined, confirm('c'), prompt('p')].join(' ')">Ask</button>
<button onclick="for (;;) alert('loop')">Dialog loop</button>
<button onclick="setInterval(() => confirm('again'), 0); out.textContent = 'interval on'">Dialog interval</button>
<button onclick="const f = document.createElement('iframe'); document.body.append(f); try { for (;;) f.contentWindow.alert('realm') } catch {} out.textContent = 'realm done'">Other realm</button>
<button onclick="for (let i = 0; i < 100; i++) window.open('/popup?i=' + i); out.textContent = 'storm sent'">Popup storm</button>
<a href="/download">Download</a>
<button onclick="navigator.serviceWorker.register('/sw.js').then((r) => { out.textContent = 'sw ' + (r ? 'registered' : 'blocked') }, () => { out.textContent = 'sw blocked' })">Worker</button>
<script>onbeforeunload = (e) => { e.preventDefault(); e.returnValue = 'stay'; }</script>`,
    ),
    '/sw.js': "self.addEventListener('fetch', () => {});",
  };
}

export interface HostileServer {
  /** The site, `http://127.0.0.1:<port>/`. */
  url: string;
  /** The other site, `http://localhost:<port>/`. */
  foreign: string;
  /** Paths requested of the other site. */
  foreignHits: string[];
  /** Paths requested of the site. */
  siteHits: string[];
  /** Bytes of the download written before the browser hung up. */
  downloaded: () => number;
  /** Resolves each time a request for `/hang` arrives (a page that never answers). */
  onHang: (listener: () => void) => void;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (s: Server) => (s.address() as AddressInfo).port;

/** Start both sites; close them in afterAll. */
export async function hostileServer(): Promise<HostileServer> {
  const foreignHits: string[] = [];
  const siteHits: string[] = [];
  const hangListeners: (() => void)[] = [];
  let downloaded = 0;
  const foreignServer = await listen((req, res) => {
    foreignHits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Foreign</title><body style="margin:0;background:#f00;height:100vh"><h1>Foreign</h1></body>');
  });
  const foreign = `http://localhost:${portOf(foreignServer)}/`;
  const pages = sitePages(foreign);
  const siteServer = await listen((req, res) => {
    const url = req.url ?? '/';
    siteHits.push(url);
    const path = url.split('?')[0]!;
    if (path === '/redirect') {
      res.writeHead(302, { location: `${foreign}redirect` });
      return res.end();
    }
    if (path === '/hang') {
      for (const listener of hangListeners) listener();
      return; // never answers
    }
    if (path === '/download') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename=big.bin' });
      const chunk = Buffer.alloc(1024 ** 2, 7);
      const pump = () => {
        while (downloaded < DOWNLOAD_BYTES) {
          downloaded += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => {});
      return pump();
    }
    const body = pages[path] ?? page('Popup', `<h1>Popup ${url}</h1>`);
    res.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' });
    res.end(body);
  });
  const close = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${portOf(siteServer)}/`,
    foreign,
    foreignHits,
    siteHits,
    downloaded: () => downloaded,
    onHang: (listener) => void hangListeners.push(listener),
    close: async () => {
      await Promise.all([close(siteServer), close(foreignServer)]);
    },
  };
}
