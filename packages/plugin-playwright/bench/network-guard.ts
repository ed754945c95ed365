/// <reference lib="dom" />
// What the network guard's SOCKS5 proxy adds per request (run: `npx tsx bench/network-guard.ts [fetches]`).
// One local app serves a 1 KB file; a page fetches it N times in a row (no cache) with and without
// the guard, in the same run, twice each, alternating. Two cases: a kept-alive connection (the
// proxy only pipes) and a new connection per request (SOCKS handshake + guard check each time).
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createNetworkGuard } from '@showrunner/core';
import { launchBrowser } from '../src/browser.js';
import { startSocksProxy } from '../src/guard/socks.js';

const fetches = Number(process.argv[2] ?? 200);
const body = 'x'.repeat(1024);
const server = http.createServer((req, res) => {
  if (req.url?.includes('close=1')) res.setHeader('connection', 'close');
  res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

/** Per-request milliseconds of `fetches` sequential fetches from a page of the app, after 20 warm-ups. */
async function measure(guarded: boolean, host: string, close: boolean): Promise<number[]> {
  const network = guarded
    ? createNetworkGuard({ allow: [`127.0.0.1:${port}`], lookup: async () => [{ address: '127.0.0.1', family: 4 }] })
    : undefined;
  const browser = await launchBrowser(guarded ? { network, trusted: false } : {});
  try {
    const page = await browser.newPage();
    await page.goto(`http://${host}:${port}/`);
    return await page.evaluate(
      async ({ n, close }) => {
        const url = `/small?close=${close ? 1 : 0}`;
        for (let i = 0; i < 20; i++) await (await fetch(url, { cache: 'no-store' })).text();
        const times: number[] = [];
        for (let i = 0; i < n; i++) {
          const t = performance.now();
          await (await fetch(url, { cache: 'no-store' })).text();
          times.push(performance.now() - t);
        }
        return times;
      },
      { n: fetches, close },
    );
  } finally {
    await browser.close();
  }
}

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), mean: ms.reduce((a, b) => a + b, 0) / ms.length };
};
const f = (n: number) => n.toFixed(2).padStart(7);

const probe = await launchBrowser();
console.log(`${fetches} fetches of 1 KB per run, 2 runs per row, ms per request (Chromium ${probe.version()})`);
await probe.close();
console.log('case                                   median     p95    mean');
const rows: Record<string, number[][]> = {};
for (let round = 0; round < 2; round++) {
  for (const close of [false, true]) {
    for (const [label, guarded, host] of [
      ['direct', false, '127.0.0.1'],
      ['guard, address', true, '127.0.0.1'],
      ['guard, name (remote DNS)', true, 'app.test'],
    ] as const) {
      if (!guarded && host !== '127.0.0.1') continue;
      const key = `${close ? 'new connection' : 'keep-alive    '} ${label}`;
      rows[key] = [...(rows[key] ?? []), await measure(guarded, host, close)];
    }
  }
}
for (const [key, runs] of Object.entries(rows)) {
  const s = stats(runs.flat());
  console.log(`${key.padEnd(38)} ${f(s.median)} ${f(s.p95)} ${f(s.mean)}`);
}

// The proxy alone, without a browser: connect + 1-byte round trip, direct and through the proxy.
const echo = net.createServer((s) => s.on('error', () => {}).pipe(s));
await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
const echoPort = (echo.address() as AddressInfo).port;
const proxy = await startSocksProxy(createNetworkGuard({ allow: [`127.0.0.1:${echoPort}`] }));
const connectRequest = Buffer.from([5, 1, 0, 1, 127, 0, 0, 1, echoPort >> 8, echoPort & 0xff]);
const roundTrip = (viaProxy: boolean) =>
  new Promise<number>((resolve, reject) => {
    const t = performance.now();
    const socket = net.connect(viaProxy ? proxy.port : echoPort, '127.0.0.1');
    // Through the proxy: method reply (2 bytes), CONNECT reply (10), then the echoed byte: 13 in all.
    const expected = viaProxy ? 13 : 1;
    let got = 0;
    socket.on('error', reject).on('data', (chunk) => {
      got += chunk.length;
      if (viaProxy && got === 2) socket.write(connectRequest);
      else if (viaProxy && got === 12) socket.write('x');
      if (got >= expected) {
        resolve(performance.now() - t);
        socket.destroy();
      }
    });
    socket.once('connect', () => socket.write(viaProxy ? Buffer.from([5, 1, 0]) : 'x'));
  });
const samples = { direct: [] as number[], proxy: [] as number[] };
for (let i = 0; i < 1_000; i++) {
  samples.direct.push(await roundTrip(false));
  samples.proxy.push(await roundTrip(true));
}
console.log('\nconnect + 1-byte echo, no browser (1000 each, interleaved)   median     p95    mean');
for (const [label, ms] of Object.entries(samples)) {
  const s = stats(ms);
  console.log(`${label.padEnd(58)} ${f(s.median)} ${f(s.p95)} ${f(s.mean)}`);
}
await proxy.stop();
echo.close();
server.close();
process.exit(0);
