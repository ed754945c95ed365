// The guard's SOCKS5 proxy, spoken to byte by byte as RFC 1928 writes it: every address type,
// every refusal code, pinning (one lookup, one address), and that it leaves no socket behind.
import net from 'node:net';
import { createNetworkGuard } from '@showrunner/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOCKS_REPLY, type SocksProxy, startSocksProxy } from '../src/guard/socks.js';
import { playDns, until } from './guard-helpers.js';

let echo: net.Server;
let echo6: net.Server;
let E: number;
let closedPort: number;

/** A raw SOCKS5 client: the reply code of a CONNECT (or -1 when no method was accepted) and the socket. */
async function connect(
  proxy: SocksProxy,
  request: { atyp: number; host: string; port: number; cmd?: number; methods?: number[] },
): Promise<{ reply: number; socket: net.Socket; read: (n: number) => Promise<Buffer> }> {
  const socket = net.connect(proxy.port, '127.0.0.1');
  let got = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    got = Buffer.concat([got, chunk]);
  });
  socket.on('error', () => {});
  const read = async (n: number) => {
    if (!(await until(() => got.length >= n || socket.destroyed || socket.readableEnded, 5_000))) throw new Error('no answer');
    if (got.length < n) throw new Error(`closed after ${got.length} bytes`);
    const out = got.subarray(0, n);
    got = got.subarray(n);
    return out;
  };
  const methods = request.methods ?? [0x00];
  socket.write(Buffer.from([0x05, methods.length, ...methods]));
  const [, method] = await read(2);
  if (method === 0xff) return { reply: -1, socket, read };
  const address =
    request.atyp === 1
      ? request.host.split('.').map(Number)
      : request.atyp === 4
        ? [...Buffer.from(request.host.replace(/:/g, ''), 'hex')]
        : [request.host.length, ...Buffer.from(request.host, 'latin1')];
  socket.write(Buffer.from([0x05, request.cmd ?? 0x01, 0x00, request.atyp, ...address, request.port >> 8, request.port & 0xff]));
  const answer = await read(10);
  return { reply: answer[1]!, socket, read };
}

const full6 = (short: string) => {
  const [head, tail] = short.split('::') as [string, string?];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => g.padStart(4, '0')).join(':');
};

beforeAll(async () => {
  const serveEcho = (s: net.Socket) => s.on('error', () => {}).pipe(s);
  echo = net.createServer(serveEcho);
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  E = (echo.address() as net.AddressInfo).port;
  echo6 = net.createServer(serveEcho);
  await new Promise<void>((resolve) => echo6.listen(E, '::1', resolve));
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(() => Promise.all([echo, echo6].map((s) => new Promise((resolve) => s.close(resolve)))));

describe('SOCKS5 proxy of the network guard', () => {
  it('connects ATYP 1, 3 and 4 to exactly the allowed address, and pipes both ways', async () => {
    const dns = playDns({ 'app.test': ['127.0.0.1'] });
    const guard = createNetworkGuard({ allow: [`127.0.0.1:${E}`, `[::1]:${E}`], lookup: dns });
    const proxy = await startSocksProxy(guard);
    try {
      for (const request of [
        { atyp: 1, host: '127.0.0.1', port: E },
        { atyp: 3, host: 'app.test', port: E },
        { atyp: 4, host: full6('::1'), port: E },
      ]) {
        const { reply, socket, read } = await connect(proxy, request);
        expect(reply).toBe(SOCKS_REPLY.ok);
        socket.write(`ping ${request.atyp}`);
        expect((await read(6)).toString()).toBe(`ping ${request.atyp}`);
        socket.destroy();
      }
      expect(proxy.log.map((e) => [e.atyp, e.host, e.address, e.reply])).toEqual([
        [1, '127.0.0.1', '127.0.0.1', 0],
        [3, 'app.test', '127.0.0.1', 0],
        [4, '0:0:0:0:0:0:0:1', '::1', 0],
      ]);
    } finally {
      await proxy.stop();
    }
  });

  it('answers 2 for refused addresses (recorded by the guard), 4 unresolvable, 5 refused upstream, 7 and 8 unsupported', async () => {
    const dns = playDns({ 'inward.test': ['127.0.0.1'], 'app.test': ['127.0.0.1'] });
    const guard = createNetworkGuard({ allow: [`127.0.0.1:${E}`, `127.0.0.1:${closedPort}`], lookup: dns });
    const proxy = await startSocksProxy(guard);
    const cases: [string, Parameters<typeof connect>[1], number][] = [
      ['private IPv4', { atyp: 1, host: '10.0.0.1', port: 80 }, SOCKS_REPLY.notAllowed],
      ['metadata', { atyp: 1, host: '169.254.169.254', port: 80 }, SOCKS_REPLY.notAllowed],
      ['loopback, other port', { atyp: 1, host: '127.0.0.1', port: E + 1 }, SOCKS_REPLY.notAllowed],
      ['name → loopback, other port', { atyp: 3, host: 'inward.test', port: E + 1 }, SOCKS_REPLY.notAllowed],
      ['localhost', { atyp: 3, host: 'localhost', port: E }, SOCKS_REPLY.notAllowed],
      ['IPv6 loopback, other port', { atyp: 4, host: full6('::1'), port: 80 }, SOCKS_REPLY.notAllowed],
      ['IPv6 unique-local', { atyp: 4, host: full6('fd00::1'), port: 80 }, SOCKS_REPLY.notAllowed],
      ['mapped loopback', { atyp: 3, host: '::ffff:127.0.0.1', port: 80 }, SOCKS_REPLY.notAllowed],
      ['unknown name', { atyp: 3, host: 'nowhere.test', port: 80 }, SOCKS_REPLY.hostUnreachable],
      ['name with a NUL', { atyp: 3, host: 'app.test\0.evil', port: E }, SOCKS_REPLY.hostUnreachable],
      ['nothing listens', { atyp: 1, host: '127.0.0.1', port: closedPort }, SOCKS_REPLY.connectionRefused],
      ['BIND', { atyp: 1, host: '127.0.0.1', port: E, cmd: 0x02 }, SOCKS_REPLY.commandUnsupported],
      ['UDP ASSOCIATE', { atyp: 1, host: '127.0.0.1', port: E, cmd: 0x03 }, SOCKS_REPLY.commandUnsupported],
    ];
    try {
      for (const [label, request, expected] of cases) {
        const { reply, socket } = await connect(proxy, request);
        expect([label, reply]).toEqual([label, expected]);
        expect(await until(() => socket.readableEnded || socket.destroyed)).toBe(true); // closed after the reply
        socket.destroy();
      }
      const refusedHosts = [
        '10.0.0.1',
        '169.254.169.254',
        '127.0.0.1',
        'inward.test',
        'localhost',
        '0:0:0:0:0:0:0:1',
        'fd00:0:0:0:0:0:0:1',
        '::ffff:127.0.0.1',
      ];
      expect(guard.refused.map((r) => r.host)).toEqual(refusedHosts);
      expect(proxy.log.filter((e) => e.reply === SOCKS_REPLY.notAllowed).map((e) => e.host)).toEqual(refusedHosts);

      // An address type this proxy does not know, and a client without the "no authentication" method.
      const socket = net
        .connect(proxy.port, '127.0.0.1')
        .on('error', () => {})
        .resume();
      const bytes: number[] = [];
      socket.on('data', (chunk) => bytes.push(...chunk));
      socket.write(Buffer.from([0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x09, 1, 2, 3, 4]));
      expect(await until(() => bytes.length >= 4)).toBe(true);
      expect(bytes.slice(0, 4)).toEqual([0x05, 0x00, 0x05, SOCKS_REPLY.addressUnsupported]);
      socket.destroy();
      expect((await connect(proxy, { atyp: 1, host: '127.0.0.1', port: E, methods: [0x02] })).reply).toBe(-1);
      expect(await until(() => proxy.sockets === 0)).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it('pins a name: one lookup for many connections, all to its first answer', async () => {
    let answers = 0;
    const dns = playDns({ 'flip.test': () => (answers++ === 0 ? ['127.0.0.1'] : ['10.0.0.1']) });
    const proxy = await startSocksProxy(createNetworkGuard({ allow: [`127.0.0.1:${E}`], lookup: dns }));
    try {
      for (let i = 0; i < 5; i++) {
        const { reply, socket } = await connect(proxy, { atyp: 3, host: 'flip.test', port: E });
        expect(reply).toBe(SOCKS_REPLY.ok);
        socket.destroy();
      }
      expect(dns.asked).toEqual(['flip.test']);
      expect(new Set(proxy.log.map((e) => e.address))).toEqual(new Set(['127.0.0.1']));
    } finally {
      await proxy.stop();
    }
  });

  it('never tunnels to itself, even when the allow-list opens all of loopback', async () => {
    const proxy = await startSocksProxy(createNetworkGuard({ allow: ['127.0.0.0/8', 'localhost'] }));
    try {
      for (const host of ['127.0.0.1', 'localhost']) {
        const { reply, socket } = await connect(proxy, { atyp: host === 'localhost' ? 3 : 1, host, port: proxy.port });
        expect(reply).toBe(SOCKS_REPLY.notAllowed);
        socket.destroy();
      }
    } finally {
      await proxy.stop();
    }
  });

  it('closes a silent client after the handshake timeout and an idle tunnel after the idle timeout', async () => {
    const guard = createNetworkGuard({ allow: [`127.0.0.1:${E}`] });
    const proxy = await startSocksProxy(guard, { handshakeTimeoutMs: 200, idleTimeoutMs: 300 });
    try {
      const silent = net
        .connect(proxy.port, '127.0.0.1')
        .on('error', () => {})
        .resume();
      const half = net
        .connect(proxy.port, '127.0.0.1')
        .on('error', () => {})
        .resume();
      half.write(Buffer.from([0x05, 0x01])); // greeting cut short
      const { reply, socket } = await connect(proxy, { atyp: 1, host: '127.0.0.1', port: E });
      expect(reply).toBe(SOCKS_REPLY.ok);
      const closed = (s: net.Socket) => until(() => s.destroyed || s.readableEnded, 3_000);
      expect(await closed(silent)).toBe(true);
      expect(await closed(half)).toBe(true);
      expect(await closed(socket)).toBe(true); // idle tunnel
      expect(await until(() => proxy.sockets === 0)).toBe(true);
      for (const s of [silent, half, socket]) s.destroy();
    } finally {
      await proxy.stop();
    }
  });

  it('stop() closes open tunnels and half-open handshakes, and the port stops listening', async () => {
    const guard = createNetworkGuard({ allow: [`127.0.0.1:${E}`] });
    const proxy = await startSocksProxy(guard);
    const tunnels = await Promise.all([1, 2, 3].map(() => connect(proxy, { atyp: 1, host: '127.0.0.1', port: E })));
    const half = net
      .connect(proxy.port, '127.0.0.1')
      .on('error', () => {})
      .resume();
    half.write(Buffer.from([0x05, 0x01, 0x00, 0x05])); // greeting, then a request cut short
    expect(await until(() => proxy.sockets === 7)).toBe(true); // 3 clients + 3 upstreams + 1 handshake
    await proxy.stop();
    await proxy.stop(); // idempotent
    expect(proxy.sockets).toBe(0);
    for (const s of [...tunnels.map((t) => t.socket), half]) {
      expect(await until(() => s.destroyed || s.readableEnded)).toBe(true);
      s.destroy();
    }
    const again = net.connect(proxy.port, '127.0.0.1');
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => again.once('error', resolve));
    expect(error.code).toBe('ECONNREFUSED');
  });
});
