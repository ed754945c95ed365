// A local Supabase Storage for tests and the benchmark: the REST subset supabase-js 2.109 and
// tus-js-client use, with Storage's routes, status codes and error bodies (see supabase/storage
// src/http/routes/object/*.ts, src/storage/renderer/renderer.ts, src/http/routes/tus/lifecycle.ts),
// behind a gateway that checks the `apikey` header as Supabase's does (401 "Invalid API key").
// File-backed in a temp folder, bounded, with fault injection. Test code only.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ObjectStore, type StoredObject } from './server/objects.js';
import { routeObject } from './server/routes.js';
import { TusEndpoint } from './server/tus.js';
import { renderError, StorageHttpError, sendJson, signJwt } from './server/wire.js';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | undefined>;
}

/** What the next matching requests get instead of an answer: a status (with Retry-After, a body), a reset connection, or silence. */
export type Fault = { status: number; retryAfter?: string; body?: unknown } | { reset: true } | { hang: true };

export interface StorageServerOptions {
  /** Buckets that exist; default `{ showrunner: { public: false } }`. */
  buckets?: Record<string, { public: boolean }>;
  maxObjectBytes?: number;
  maxTotalBytes?: number;
}

export interface StorageServer {
  /** The project URL to give supabase-js (`http://127.0.0.1:<port>`). */
  url: string;
  /** The only key the gateway and Storage accept (a service_role JWT signed with `jwtSecret`). */
  serviceKey: string;
  jwtSecret: string;
  /** Every request, in order (the last 50 000). */
  requests: SeenRequest[];
  /** Chunks taken by the resumable endpoint. */
  tus: TusEndpoint;
  /** The stored object, or undefined. */
  object(bucket: string, name: string): StoredObject | undefined;
  objects(bucket: string): StoredObject[];
  /** The next `times` requests matching `match` (default: all) get `fault`. */
  fail(times: number, fault: Fault, match?: (req: SeenRequest) => boolean): void;
  close(): Promise<void>;
}

const API_KEY_HINT = 'Double check your Supabase `anon` or `service_role` API key.';
const MAX_SEEN = 50_000;

export async function startStorageServer(options: StorageServerOptions = {}): Promise<StorageServer> {
  const root = await mkdtemp(path.join(tmpdir(), 'sr-storage-server-'));
  const jwtSecret = randomBytes(32).toString('hex');
  const serviceKey = signJwt({ iss: 'supabase', role: 'service_role', iat: Math.floor(Date.now() / 1000) }, jwtSecret);
  const maxObjectBytes = options.maxObjectBytes ?? 200 * 1024 * 1024;
  const store = new ObjectStore(root, options.buckets ?? { showrunner: { public: false } }, {
    maxObjectBytes,
    maxTotalBytes: options.maxTotalBytes ?? 2 * 1024 * 1024 * 1024,
  });
  const tus = new TusEndpoint(store, maxObjectBytes);
  const requests: SeenRequest[] = [];
  const faults: { left: number; fault: Fault; match: (req: SeenRequest) => boolean }[] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent) return void res.destroy();
      const isTus = req.url?.startsWith('/storage/v1/upload/resumable');
      if (err instanceof StorageHttpError && isTus) {
        res.writeHead(err.statusCode, { 'content-type': 'text/plain; charset=utf-8', 'tus-resumable': '1.0.0' });
        return void res.end(err.message);
      }
      if (err instanceof StorageHttpError) return sendJson(res, err.statusCode === 500 ? 500 : 400, renderError(err));
      sendJson(res, 500, {
        statusCode: '500',
        code: 'InternalError',
        error: 'InternalError',
        message: String(err?.message ?? err),
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://storage.local');
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, status: 0, headers: pick(req) };
    if (requests.length >= MAX_SEEN) requests.shift();
    requests.push(seen);
    res.on('finish', () => {
      seen.status = res.statusCode;
    });
    const fault = faults.find((f) => f.left > 0 && f.match(seen));
    if (fault) {
      fault.left--;
      req.resume();
      if ('reset' in fault.fault) return void req.socket.destroy();
      if ('hang' in fault.fault) return; // read the body, never answer (closed with the server)
      const { status, retryAfter, body } = fault.fault;
      return sendJson(res, status, body ?? { message: status === 429 ? 'API rate limit exceeded' : 'Service Unavailable' }, {
        ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }),
      });
    }
    const rest = url.pathname.startsWith('/storage/v1/') ? url.pathname.slice('/storage/v1/'.length) : undefined;
    if (rest === undefined) return sendJson(res, 404, { message: 'no Route matched with those values' });
    // Public and signed downloads carry no key; everything else needs the gateway's apikey and a bearer.
    const open = req.method === 'GET' && /^object\/(public|sign)\//.test(rest);
    const apikey = req.headers.apikey;
    if (apikey !== undefined && apikey !== serviceKey)
      return sendJson(res, 401, { message: 'Invalid API key', hint: API_KEY_HINT });
    if (!open && apikey === undefined) return sendJson(res, 401, { message: 'No API key found in request', hint: API_KEY_HINT });
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const isTusHead = req.method === 'HEAD' && rest.startsWith('upload/resumable/'); // Storage lets TUS HEAD through
    if (!open && !isTusHead && bearer !== serviceKey) {
      throw new StorageHttpError(403, 'AccessDenied', bearer ? 'invalid signature' : 'jwt must be provided');
    }
    if (rest === 'upload/resumable' || rest.startsWith('upload/resumable/')) {
      const id = rest.slice('upload/resumable/'.length) || undefined;
      return tus.handle(req, res, id, `http://${req.headers.host}`);
    }
    if (rest.startsWith('object/'))
      return routeObject({ req, res, url, rest: rest.slice('object/'.length), store, jwtSecret, serve });
    throw new StorageHttpError(404, 'NotFound', `Route ${req.method}:${url.pathname} not found`);
  }

  /** Send an object's bytes as Storage's renderer does (Range → 206; signed URLs get Expires, not Cache-Control). */
  function serve(res: ServerResponse, object: StoredObject, range: { start: number; end: number } | undefined, expires?: string) {
    const headers: Record<string, string> = {
      'accept-ranges': 'bytes',
      'content-type': object.mimetype.includes('text/html') ? 'text/plain' : object.mimetype,
      etag: object.eTag,
      'last-modified': object.updatedAt.toUTCString(),
      'content-length': String(range ? range.end - range.start + 1 : object.size),
      ...(expires ? { expires } : { 'cache-control': object.cacheControl }),
      ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${object.size}` } : {}),
    };
    res.writeHead(range ? 206 : 200, headers);
    if (res.req.method === 'HEAD' || object.size === 0) return void res.end();
    pipeline(createReadStream(object.file, range ?? {}), res).catch(() => {}); // a client that hangs up frees the file
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serviceKey,
    jwtSecret,
    requests,
    tus,
    object: (bucket, name) => (store.buckets.has(bucket) ? store.bucket(bucket).get(name) : undefined),
    objects: (bucket) => [...store.bucket(bucket).values()],
    fail(times, fault, match = () => true) {
      faults.push({ left: times, fault, match });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tus.clear();
      await rm(root, { recursive: true, force: true });
    },
  };
}

function pick(req: IncomingMessage): Record<string, string | undefined> {
  const h = req.headers;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v);
  return {
    'content-type': one(h['content-type']),
    'cache-control': one(h['cache-control']),
    'x-upsert': one(h['x-upsert']),
    range: one(h.range),
    'upload-offset': one(h['upload-offset']),
    'content-length': one(h['content-length']),
  };
}
