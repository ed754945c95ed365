// A test page whose "Continue" button appears only once the test flips a flag on the server, so a
// "retry" can succeed deterministically. The page polls /flag every 400 ms (quiet gaps > 300 ms,
// so the recorder still sees the network go idle).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Later</title>
<style>body{font:16px system-ui,sans-serif;margin:40px} button{font:inherit;padding:8px 16px}</style></head>
<body><h1>Waiting room</h1><p id="state">Not yet.</p><div id="slot"></div>
<script>
  async function poll() {
    const on = await fetch('/flag').then((r) => r.json()).catch(() => false);
    if (on && !document.querySelector('#go')) {
      document.querySelector('#state').textContent = 'Ready.';
      document.querySelector('#slot').innerHTML = '<button id="go">Continue</button>';
    }
    setTimeout(poll, 400);
  }
  poll();
</script></body></html>`;

/** Serve the waiting-room page at "/"; `open()` makes its Continue button appear; `hits` counts page loads. */
export async function flagServer() {
  let flag = false;
  const hits = { page: 0 };
  const server = createServer((req, res) => {
    if (req.url === '/') hits.page++;
    if (req.url === '/flag') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(flag));
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    /** How many times the page itself was requested. */
    hits,
    open: () => {
      flag = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
