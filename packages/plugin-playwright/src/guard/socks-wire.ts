import type { Socket } from 'node:net';

/** Reads exact byte counts from a socket during the SOCKS handshake, then hands the socket back. */
export interface ByteReader {
  /** The next `n` bytes; rejects when the socket closes first. */
  take(n: number): Promise<Buffer>;
  /** Stop reading; returns bytes received but not taken. The socket is left paused. */
  release(): Buffer;
}

/** A handshake is a few hundred bytes; a client that sends more before our reply is not a browser. */
const MAX_BUFFERED = 1024;

export function byteReader(socket: Socket): ByteReader {
  let buffered = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (buffered.length > MAX_BUFFERED) socket.destroy();
    wake?.();
  };
  const onClose = () => wake?.();
  socket.on('data', onData).on('close', onClose);
  return {
    async take(n) {
      while (buffered.length < n) {
        if (socket.destroyed) throw new Error('socket closed during the SOCKS handshake');
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      const out = buffered.subarray(0, n);
      buffered = buffered.subarray(n);
      return out;
    },
    release() {
      socket.pause();
      socket.off('data', onData).off('close', onClose);
      return buffered;
    },
  };
}

/** A CONNECT to make, or (with `reply`) a request to answer with that code at once. */
export interface SocksRequest {
  host: string;
  port: number;
  atyp: number;
  reply?: number;
}

/** Host names as browsers send them: ASCII (punycode), digits, dots, dashes, IPv6 literals. */
const NAME = /^[a-z0-9._:\-[\]]+$/i;

/**
 * Run the server side of a SOCKS5 handshake (RFC 1928): method negotiation (only "no
 * authentication"), then one request. Returns undefined when the client is not speaking SOCKS5 (the
 * caller closes it), or the request; a request this proxy will not serve carries the reply to send.
 */
export async function parseRequest(reader: ByteReader, write: (bytes: Buffer) => void): Promise<SocksRequest | undefined> {
  const [version, count] = await reader.take(2);
  if (version !== 0x05) return undefined;
  const methods = await reader.take(count!);
  if (!methods.includes(0x00)) {
    write(Buffer.from([0x05, 0xff]));
    return undefined;
  }
  write(Buffer.from([0x05, 0x00]));
  const [v, command, , atyp] = await reader.take(4);
  if (v !== 0x05) return undefined;
  let host: string;
  if (atyp === 0x01) host = [...(await reader.take(4))].join('.');
  else if (atyp === 0x04) {
    const raw = await reader.take(16);
    host = Array.from({ length: 8 }, (_, i) => raw.readUInt16BE(i * 2).toString(16)).join(':');
  } else if (atyp === 0x03) {
    const [length] = await reader.take(1);
    host = (await reader.take(length!)).toString('latin1');
  } else return { host: '', port: 0, atyp: atyp!, reply: 0x08 };
  const port = (await reader.take(2)).readUInt16BE(0);
  if (command !== 0x01) return { host, port, atyp, reply: 0x07 };
  if (atyp === 0x03 && !NAME.test(host)) return { host: host.replace(/[^\x21-\x7e]/g, '?'), port, atyp, reply: 0x04 };
  return { host, port, atyp };
}
