import { AsyncLocalStorage } from 'node:async_hooks';
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { type ConnectionResolved, type Credentials, resolveCredentials } from './options.js';
import { Failure, type RetryPolicy, retryAfterMs } from './retry.js';

/** The bucket API of supabase-js (`supabase.storage.from(bucket)`). */
export type BucketApi = ReturnType<ReturnType<typeof createClient>['storage']['from']>;

/**
 * One open bucket: the supabase-js bucket API plus what every transfer needs. Made once per factory
 * (lazily, at the first transfer) and shared by every run and transfer of that plugin, concurrently.
 */
export interface Bucket {
  readonly api: BucketApi;
  readonly name: string;
  readonly credentials: Credentials;
  readonly policy: RetryPolicy;
  readonly options: ConnectionResolved;
}

/**
 * What one supabase-js call carries through its fetches. storage-js takes no AbortSignal on upload
 * and keeps response headers to itself, so the custom fetch reads both from here: the caller's
 * signal and timeout go in, the status and Retry-After come out.
 */
interface CallState {
  signal?: AbortSignal;
  timeoutMs: number;
  status?: number;
  retryAfter?: string | null;
}
const calls = new AsyncLocalStorage<CallState>();

/** fetch for supabase-js: the call's signal, a timeout until the response headers, and a note of the answer. */
async function trackedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const call = calls.getStore();
  if (!call) return fetch(input, init);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error(`no response within ${call.timeoutMs} ms`)), call.timeoutMs);
  const signals = [timeout.signal, call.signal, init?.signal].filter((s): s is AbortSignal => Boolean(s));
  try {
    const res = await fetch(input, { ...init, signal: AbortSignal.any(signals) });
    call.status = res.status;
    call.retryAfter = res.headers.get('retry-after');
    return res;
  } finally {
    clearTimeout(timer);
  }
}

/** Open `options.bucket` with supabase-js (auth off: the service key is the bearer on every request). */
export function openBucket(credentials: Credentials, options: ConnectionResolved): Bucket {
  const client = createClient(credentials.url, credentials.serviceKey, {
    // The bearer is always the service key: `accessToken` skips the auth client (and its session lock on every request).
    accessToken: async () => credentials.serviceKey,
    // supabase-js 2.109 throws at construction on Node 20 (no global WebSocket) unless given one, even unused.
    realtime: { transport: WebSocket as never },
    global: { fetch: trackedFetch },
  });
  const policy = {
    retries: options.retries,
    backoffBaseMs: options.backoffBaseMs,
    backoffMaxMs: options.backoffMaxMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
  };
  return { api: client.storage.from(options.bucket), name: options.bucket, credentials, policy, options };
}

type StorageResult<T> = { data: T; error: null } | { data: null; error: unknown };

/**
 * One supabase-js call as one attempt: its `{ data, error }` becomes the data or a Failure carrying the
 * HTTP status, Storage's status code and message, and Retry-After. `signal` aborts the request itself.
 */
export async function call<T>(
  bucket: Bucket,
  signal: AbortSignal | undefined,
  run: (api: BucketApi) => PromiseLike<StorageResult<T>>,
): Promise<T> {
  const state: CallState = { signal, timeoutMs: bucket.options.requestTimeoutMs };
  let result: StorageResult<T>;
  try {
    // Awaited inside run(): storage-js builders start their request in then(), which must see the state.
    result = await calls.run(state, async () => await run(bucket.api));
  } catch (err) {
    throw failureOf(err, state);
  }
  if (result.error) throw failureOf(result.error, state);
  return result.data as T;
}

/** A supabase-js error (StorageApiError, StorageUnknownError) or a thrown one, as a Failure. */
function failureOf(err: unknown, state: CallState): Failure {
  const e = err as { status?: unknown; statusCode?: unknown; message?: unknown; originalError?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status !== undefined) {
    const code = e.statusCode === undefined ? undefined : String(e.statusCode);
    const wait = status === 429 || status === 503 ? retryAfterMs(state.retryAfter) : undefined;
    return new Failure(String(e.message ?? 'request failed'), { status, code, retryAfterMs: wait, cause: err });
  }
  return new Failure(networkMessage(e.originalError ?? err), { cause: err });
}

/** "fetch failed" says nothing; the cause (ECONNREFUSED, a timeout) does. */
export function networkMessage(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `network error: ${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`;
}

/**
 * The bucket, opened at the first transfer and then shared: credentials are read then (options or
 * environment), so a missing key fails the first stage that stores, with SR_CONFIG_INVALID.
 */
export function lazyBucket(options: ConnectionResolved, slot: string): () => Bucket {
  let bucket: Bucket | undefined;
  return () => {
    bucket ??= openBucket(resolveCredentials(options, slot), options);
    return bucket;
  };
}
