// The fake server's /storage/v1/object/* routes, as supabase/storage src/http/routes/object/ serves them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listEntry, type ObjectStore, type StoredObject } from './objects.js';
import { ERRORS, isValidKey, parseRange, readJson, StorageHttpError, sendJson, signJwt, verifyJwt } from './wire.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The path after `/storage/v1/object/`, still encoded. */
  rest: string;
  store: ObjectStore;
  jwtSecret: string;
  serve(res: ServerResponse, object: StoredObject, range: { start: number; end: number } | undefined, expires?: string): void;
}

const NOT_SIGNED = 'Either the object does not exist or you do not have access to it';
/** Fastify's schema-validation error, which Storage passes through. */
const badRequest = (message: string) => new StorageHttpError(400, 'Bad Request', message);

export async function routeObject(c: RouteContext): Promise<void> {
  const { req, res, store } = c;
  let parts: string[];
  try {
    parts = c.rest.split('/').map((p) => decodeURIComponent(p));
  } catch {
    throw badRequest('URI malformed');
  }
  const method = req.method ?? 'GET';
  const head = parts[0]!;
  const at = (i: number) => ({ bucket: parts[i] ?? '', name: parts.slice(i + 1).join('/') });

  if (head === 'sign' && method === 'POST' && parts.length === 2) return signMany(c, parts[1]!);
  if (head === 'sign' && method === 'POST') return signOne(c, at(1));
  if (head === 'sign' && method === 'GET') return getSigned(c, at(1));
  if (head === 'list' && method === 'POST') return list(c, parts[1] ?? '');
  if (head === 'info' && method === 'GET') {
    const o = store.find(...named(at(parts[1] === 'authenticated' ? 2 : 1)));
    return sendJson(res, 200, info(o), { etag: o.eTag, 'cache-control': 'no-cache' });
  }
  if (head === 'public' && method === 'GET') {
    const { bucket, name } = at(1);
    if (!store.buckets.get(bucket)?.public) throw ERRORS.noSuchBucket();
    return serveObject(c, store.find(bucket, name));
  }
  if (head === 'authenticated' && (method === 'GET' || method === 'HEAD')) return serveObject(c, store.find(...named(at(1))));
  if (method === 'DELETE' && parts.length === 1) return removeMany(c, head);
  const [bucket, name] = named(at(0));
  if (method === 'GET' || method === 'HEAD') return serveObject(c, store.find(bucket, name));
  if (method === 'POST' || method === 'PUT')
    return upload(c, bucket, name, method === 'PUT' || req.headers['x-upsert'] === 'true');
  throw new StorageHttpError(404, 'NotFound', `Route ${method}:${c.url.pathname} not found`);
}

function named({ bucket, name }: { bucket: string; name: string }): [string, string] {
  if (!name) throw badRequest("params must have required property '*'");
  if (!isValidKey(name)) throw ERRORS.invalidKey(name);
  return [bucket, name];
}

async function upload(c: RouteContext, bucket: string, name: string, upsert: boolean): Promise<void> {
  c.store.bucket(bucket); // NoSuchBucket before reading the body
  const type = c.req.headers['content-type'] ?? 'application/octet-stream';
  if (type.startsWith('multipart/form-data'))
    throw badRequest('this test server takes raw bodies only (supabase-js sends Buffers raw)');
  const got = await c.store.receive(c.req);
  const cacheControl = c.req.headers['cache-control'] ?? 'no-cache';
  const o = await c.store.commit(bucket, name, got, { mimetype: type, cacheControl, upsert, uploadType: 'standard' });
  sendJson(c.res, 200, { Key: `${bucket}/${name}`, Id: o.id });
}

function serveObject(c: RouteContext, object: StoredObject, expires?: string): void {
  c.serve(c.res, object, parseRange(c.req.headers.range, object.size), expires);
}

function sign(bucket: string, name: string, expiresIn: number, secret: string): string {
  const iat = Math.floor(Date.now() / 1000);
  const token = signJwt({ url: `${bucket}/${name}`, iat, exp: iat + expiresIn }, secret);
  return `/object/sign/${bucket}/${name}?token=${token}`;
}

function expiresIn(body: Record<string, unknown>): number {
  const value = body.expiresIn;
  if (!Number.isInteger(value) || (value as number) < 1) throw badRequest('body/expiresIn must be integer >= 1');
  return value as number;
}

async function signOne(c: RouteContext, where: { bucket: string; name: string }): Promise<void> {
  const [bucket, name] = named(where);
  const seconds = expiresIn(await readJson(c.req));
  c.store.find(bucket, name);
  sendJson(c.res, 200, { signedURL: sign(bucket, name, seconds, c.jwtSecret) });
}

async function signMany(c: RouteContext, bucket: string): Promise<void> {
  const body = await readJson(c.req);
  const seconds = expiresIn(body);
  const paths = body.paths;
  if (!Array.isArray(paths) || !paths.length || paths.some((p) => typeof p !== 'string')) {
    throw badRequest('body/paths must be a non-empty array of strings');
  }
  const objects = c.store.bucket(bucket);
  const out = (paths as string[]).map((p) =>
    objects.has(p)
      ? { error: null, path: p, signedURL: sign(bucket, p, seconds, c.jwtSecret) }
      : { error: NOT_SIGNED, path: p, signedURL: null },
  );
  sendJson(c.res, 200, out);
}

async function getSigned(c: RouteContext, where: { bucket: string; name: string }): Promise<void> {
  const [bucket, name] = named(where);
  const token = c.url.searchParams.get('token');
  if (!token) throw badRequest("querystring must have required property 'token'");
  let payload: Record<string, unknown>;
  try {
    payload = verifyJwt(token, c.jwtSecret);
  } catch (err) {
    throw ERRORS.invalidJwt((err as Error).message);
  }
  if (payload.url !== `${bucket}/${name}`) throw ERRORS.invalidSignature();
  serveObject(c, c.store.find(bucket, name), new Date(Number(payload.exp) * 1000).toUTCString());
}

async function list(c: RouteContext, bucket: string): Promise<void> {
  const body = await readJson(c.req);
  if (typeof body.prefix !== 'string') throw badRequest("body must have required property 'prefix'");
  const limit = body.limit ?? 100;
  const offset = body.offset ?? 0;
  if (!Number.isInteger(limit) || (limit as number) < 1) throw badRequest('body/limit must be >= 1');
  if (!Number.isInteger(offset) || (offset as number) < 0) throw badRequest('body/offset must be >= 0');
  const sortBy = (body.sortBy ?? {}) as { column?: string; order?: string };
  const column = sortBy.column ?? 'name';
  if (!['name', 'updated_at', 'created_at', 'last_accessed_at'].includes(column))
    throw badRequest('body/sortBy/column must be one of the allowed values');
  const search = typeof body.search === 'string' ? body.search : '';
  const items = c.store.list(bucket, body.prefix, {
    limit: limit as number,
    offset: offset as number,
    column,
    order: sortBy.order ?? 'asc',
    search,
  });
  sendJson(c.res, 200, items);
}

async function removeMany(c: RouteContext, bucket: string): Promise<void> {
  const body = await readJson(c.req);
  const names = body.prefixes;
  if (!Array.isArray(names) || !names.length || names.some((p) => typeof p !== 'string')) {
    throw badRequest('body/prefixes must NOT have fewer than 1 items');
  }
  if (names.length > 1000) throw new StorageHttpError(400, 'InvalidRequest', 'Maximum number of objects to delete is 1000');
  const gone = await c.store.remove(bucket, names as string[]);
  sendJson(
    c.res,
    200,
    gone.map((o) => listEntry(o)),
  );
}

/** GET /object/info body (src/storage/renderer/info.ts). */
function info(o: StoredObject) {
  return {
    id: o.id,
    name: o.name,
    version: o.id,
    bucket_id: o.bucket,
    size: o.size,
    content_type: o.mimetype,
    cache_control: o.cacheControl,
    etag: o.eTag,
    metadata: {},
    last_modified: o.updatedAt.toISOString(),
    created_at: o.createdAt.toISOString(),
  };
}
