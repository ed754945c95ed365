// Local servers and a stand-in for DNS for the network guard tests: an allowed app, inward servers
// that must never be reached (each request is recorded), and a lookup that answers for *.test names.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Address, isShowrunnerError, type LookupFn, type NetworkGuard } from '@showrunner/core';

export interface TestServer {
  port: number;
  /** `host path` of every request and WebSocket upgrade, in order. */
  hits: string[];
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** The allowed app: a page, its own image, script, JSON, frame, WebSocket, and pages that lead elsewhere. */
export const appRoutes: Handler = (_req, res, url) => {
  const to = url.searchParams.get('to') ?? '';
  const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>${body}`);
  switch (url.pathname) {
    case '/pixel.png':
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(PIXEL);
    case '/own.js':
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end('window.ownScript = true;');
    case '/data.json':
      return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{"ok":true}');
    case '/frame':
      return void html('<title>frame</title><p id="f">own frame</p>');
    case '/redirect':
      return void res.writeHead(302, { location: to }).end();
    case '/link':
      return void html(`<a id="go" href="${to}">go</a>`);
    case '/js':
      return void html(`<script>location.href = ${JSON.stringify(to)};</script>`);
    case '/meta':
      return void html(`<meta http-equiv="refresh" content="0;url=${to}">`);
    case '/popup':
      return void html(`<script>window.open(${JSON.stringify(to)});</script>`);
    case '/form':
      return void html(
        `<form method="post" action="${to}"><input name="q" value="1"></form><script>document.forms[0].submit();</script>`,
      );
    default:
      return void html('<title>App</title><h1>Allowed app</h1><img id="own" src="/pixel.png"><script src="/own.js"></script>');
  }
};

/** An HTTP server on `host:port` (0: any) that records every request and answers WebSockets with "hello". */
export async function startServer(host: string, port = 0, handler: Handler = appRoutes): Promise<TestServer> {
  const hits: string[] = [];
  const upgraded = new Set<Socket>();
  const server = http.createServer((req, res) => {
    hits.push(`${req.headers.host} ${req.method} ${req.url}`);
    res.setHeader('connection', 'close'); // every request a new connection, so every one meets the guard
    handler(req, res, new URL(req.url ?? '/', 'http://x'));
  });
  server.on('upgrade', (req, socket: Socket) => {
    hits.push(`${req.headers.host} UPGRADE ${req.url}`);
    upgraded.add(socket);
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.write(Buffer.from([0x81, 5, ...Buffer.from('hello')]));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise((resolve) => {
        for (const socket of upgraded) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** DNS for the tests: each name answers a fixed list, or a function's list per lookup; others ENOTFOUND. */
export function playDns(names: Record<string, string[] | (() => string[])>): LookupFn & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (host: string): Promise<Address[]> => {
    asked.push(host);
    const answer = names[host.toLowerCase()];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return (typeof answer === 'function' ? answer() : answer).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
  return Object.assign(lookup, { asked });
}

export interface Call {
  host: string;
  port: number;
  outcome: 'allowed' | 'refused' | 'unresolved';
  address?: string;
}

/** The real guard, with every answer it gives recorded (its own `refused` keeps only the last 50). */
export function watch(guard: NetworkGuard): NetworkGuard & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    get refused() {
      return guard.refused;
    },
    async resolve(host, port) {
      try {
        const address = await guard.resolve(host, port);
        calls.push({ host, port, outcome: 'allowed', address: address.address });
        return address;
      } catch (err) {
        const refused = isShowrunnerError(err) && err.code === 'SR_NETWORK_REFUSED';
        calls.push({ host, port, outcome: refused ? 'refused' : 'unresolved' });
        throw err;
      }
    },
  };
}

/** Poll `check` every 10 ms until it is true (→ true) or `ms` pass (→ false). */
export async function until(check: () => boolean, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** The host and port a browser asks the proxy for when it opens `url` (host as its URL parser writes it). */
export function endpoint(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port) || (parsed.protocol === 'https:' || parsed.protocol === 'wss:' ? 443 : 80),
  };
}
