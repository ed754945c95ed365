import net from 'node:net';
import { type Address, isShowrunnerError, type NetworkGuard, ShowrunnerError } from '@showrunner/core';
import { byteReader, parseRequest } from './socks-wire.js';

/** SOCKS5 reply codes (RFC 1928 §6) this proxy sends. */
export const SOCKS_REPLY = {
  ok: 0x00,
  failure: 0x01,
  notAllowed: 0x02,
  hostUnreachable: 0x04,
  connectionRefused: 0x05,
  timedOut: 0x06,
  commandUnsupported: 0x07,
  addressUnsupported: 0x08,
} as const;

/** One CONNECT the proxy answered: what the browser asked for and what the proxy replied. */
export interface ProxyEntry {
  /** The host as the browser sent it: a name (ATYP 3) or an address (ATYP 1 / 4). */
  host: string;
  port: number;
  /** 1 IPv4, 3 name, 4 IPv6 (anything else is answered with reply 8). */
  atyp: number;
  /** The address the guard resolved and the proxy connected to. */
  address?: string;
  /** The SOCKS reply code (see {@link SOCKS_REPLY}). */
  reply: number;
}

/** Options of {@link startSocksProxy}; the defaults suit a browser recording one run. */
export interface SocksProxyOptions {
  /** Time a client has to finish the SOCKS handshake, and the proxy to resolve and connect (default 15 s). */
  handshakeTimeoutMs?: number;
  /** A tunnel with no traffic either way for this long is closed (default 5 min: WebSockets idle). */
  idleTimeoutMs?: number;
  /** Client connections open at once at most (default 512; Chromium opens at most 256). */
  maxConnections?: number;
}

/** A running proxy. Started and stopped by `launchBrowser`, one per browser. */
export interface SocksProxy {
  readonly port: number;
  /** `socks5://127.0.0.1:<port>`, for Chromium's `--proxy-server`. */
  readonly url: string;
  /** The most recent CONNECTs (at most 500), newest last. */
  readonly log: readonly ProxyEntry[];
  /** Sockets open now (clients and upstreams). */
  readonly sockets: number;
  /** Close the listener and every socket. Idempotent. */
  stop(): Promise<void>;
}

const LOG_SIZE = 500;

/**
 * Start a SOCKS5 proxy (CONNECT, no authentication) on 127.0.0.1 that asks `guard` for every
 * connection and connects to exactly the address it returns: the guard's answer is the only DNS
 * lookup, so what was checked is what is reached. Refused → reply 2, unresolvable → reply 4.
 */
export async function startSocksProxy(guard: NetworkGuard, options: SocksProxyOptions = {}): Promise<SocksProxy> {
  const handshakeMs = options.handshakeTimeoutMs ?? 15_000;
  const idleMs = options.idleTimeoutMs ?? 5 * 60_000;
  const sockets = new Set<net.Socket>();
  const log: ProxyEntry[] = [];
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  const record = (entry: ProxyEntry) => {
    log.push(entry);
    if (log.length > LOG_SIZE) log.shift();
  };

  const server = net.createServer((client) => {
    track(client).on('error', () => client.destroy());
    const deadline = setTimeout(() => client.destroy(), handshakeMs);
    client.once('close', () => clearTimeout(deadline));
    serve(client)
      .catch(() => client.destroy())
      .finally(() => clearTimeout(deadline));
  });
  server.maxConnections = options.maxConnections ?? 512;

  async function serve(client: net.Socket): Promise<void> {
    const reader = byteReader(client);
    const request = await parseRequest(reader, (bytes) => client.write(bytes));
    if (!request) return void client.end();
    const { host, port, atyp } = request;
    if (request.reply !== undefined) {
      record({ host, port, atyp, reply: request.reply });
      return void client.end(reply(request.reply));
    }
    let address: Address;
    try {
      address = await guard.resolve(host, port);
      if (port === listening && LOCAL.check(address.address, address.family === 6 ? 'ipv6' : 'ipv4')) throw refusedSelf(host);
    } catch (err) {
      const code =
        isShowrunnerError(err) && err.code === 'SR_NETWORK_REFUSED' ? SOCKS_REPLY.notAllowed : SOCKS_REPLY.hostUnreachable;
      record({ host, port, atyp, reply: code });
      return void client.end(reply(code));
    }
    const upstream = await connect(address, port).catch((err: NodeJS.ErrnoException) => err);
    if (upstream instanceof Error) {
      const code =
        upstream.code === 'ECONNREFUSED'
          ? SOCKS_REPLY.connectionRefused
          : upstream.code === 'ETIMEDOUT'
            ? SOCKS_REPLY.timedOut
            : SOCKS_REPLY.hostUnreachable;
      record({ host, port, atyp, address: address.address, reply: code });
      return void client.end(reply(code));
    }
    record({ host, port, atyp, address: address.address, reply: SOCKS_REPLY.ok });
    if (client.destroyed) return void upstream.destroy();
    client.write(reply(SOCKS_REPLY.ok));
    const early = reader.release(); // bytes the client sent before our reply
    if (early.length) upstream.write(early);
    tunnel(client, upstream);
  }

  function connect(address: Address, port: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      // An IP literal: net.connect does no lookup of its own.
      const socket = track(net.connect({ host: address.address, port, family: address.family }));
      socket.setTimeout(handshakeMs, () => socket.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })));
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.off('error', reject);
        resolve(socket);
      });
    });
  }

  function tunnel(client: net.Socket, upstream: net.Socket) {
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.setTimeout(idleMs, () => from.destroy());
      from.on('error', () => from.destroy());
      // A side that closed with an error takes the other with it; a clean close lets pipe() end it.
      from.once('close', (hadError) => (hadError ? to.destroy() : to.end()));
      from.pipe(to);
    }
  }

  let listening = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  listening = (server.address() as net.AddressInfo).port;
  let stopped: Promise<void> | undefined;
  return {
    port: listening,
    url: `socks5://127.0.0.1:${listening}`,
    log,
    get sockets() {
      return sockets.size;
    },
    stop() {
      stopped ??= Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        ...[...sockets].map((socket) => new Promise((closed) => socket.once('close', closed).destroy())),
      ]).then(() => {});
      return stopped;
    },
  };
}

/** SOCKS5 reply with an empty bound address (clients ignore it). */
function reply(code: number): Buffer {
  return Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]);
}

/** Loopback and unspecified: where this proxy itself listens, and never a tunnel's end. */
const LOCAL = new net.BlockList();
LOCAL.addSubnet('127.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('0.0.0.0', 8, 'ipv4');
LOCAL.addAddress('::1', 'ipv6');
LOCAL.addAddress('::', 'ipv6');
LOCAL.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** Even when the allow-list opens loopback, a page may not reach the proxy through itself. */
function refusedSelf(host: string): ShowrunnerError {
  return new ShowrunnerError('SR_NETWORK_REFUSED', `Refused a connection to ${host}: it is the network guard's own proxy.`, {
    field: 'network',
  });
}
