// Wire-level pieces of the fake Storage server: error bodies, JSON bodies, HS256 tokens, Range.
// Sources: supabase/storage src/internal/errors/{codes,storage-error}.ts and src/http/error-handler.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A Storage error. Rendered as Storage renders it: `{ statusCode: "<status>", code, error: code,
 * message }` with HTTP 400 (or 500 when the status is 500), the real status only in the body.
 */
export class StorageHttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  constructor(statusCode: number, code: string, message: string) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
  }
}

/** The errors of Storage's ERRORS table that this server raises, with Storage's messages. */
export const ERRORS = {
  noSuchBucket: () => new StorageHttpError(404, 'NoSuchBucket', 'Bucket not found'),
  noSuchKey: () => new StorageHttpError(404, 'NoSuchKey', 'Object not found'),
  keyAlreadyExists: () => new StorageHttpError(409, 'KeyAlreadyExists', 'The resource already exists'),
  accessDenied: (why: string) => new StorageHttpError(403, 'AccessDenied', why),
  invalidJwt: (why: string) => new StorageHttpError(400, 'InvalidJWT', why),
  invalidSignature: () => new StorageHttpError(400, 'InvalidSignature', 'Invalid signature'),
  entityTooLarge: () => new StorageHttpError(413, 'EntityTooLarge', 'The object exceeded the maximum allowed size'),
  invalidRange: () => new StorageHttpError(400, 'InvalidRange', 'invalid range provided'),
  missingParameter: (name: string) => new StorageHttpError(400, 'MissingParameter', `Missing Required Parameter ${name}`),
  invalidKey: (key: string) => new StorageHttpError(400, 'InvalidKey', `Invalid key: ${key}`),
};

/**
 * Object names Storage accepts, by its older rule (src/storage/limits.ts isValidKey, ASCII only; newer
 * versions also take most of Unicode): the stricter one, so keys that pass here pass on every version.
 */
export function isValidKey(key: string): boolean {
  return key.length > 0 && /^(\w|\/|!|-|\.|\*|'|\(|\)| |&|\$|@|=|;|:|\+|,|\?)*$/.test(key) && !/(^|\/)\.{1,2}(\/|$)/.test(key);
}

export function renderError(err: StorageHttpError) {
  return { statusCode: String(err.statusCode), code: err.code, error: err.code, message: err.message };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A JSON request body of at most `limit` bytes ({} when empty). */
export async function readJson(req: IncomingMessage, limit = 1024 * 1024): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new StorageHttpError(413, 'EntityTooLarge', 'Request body is too large');
    chunks.push(chunk);
  }
  if (!size) return {};
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new StorageHttpError(400, 'InvalidRequest', 'Body is not a JSON object');
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** An HS256 JWT (what Storage signs URLs with, using the project's JWT secret). */
export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** The payload of a valid, unexpired HS256 token; otherwise throws with jsonwebtoken's messages. */
export function verifyJwt(token: string, secret: string, now = Date.now()): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('jwt malformed');
  const [head, body, sig] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('invalid signature');
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new Error('jwt malformed');
  }
  if (typeof payload.exp === 'number' && payload.exp * 1000 <= now) throw new Error('jwt expired');
  return payload;
}

/** `Range: bytes=a-b | a- | -n` over `size` bytes: inclusive [start, end], undefined when absent. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (!m[1] && !m[2])) throw ERRORS.invalidRange();
  let start: number;
  let end: number;
  if (!m[1]) {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  }
  if (start > end || start >= size) throw ERRORS.invalidRange();
  return { start, end };
}
