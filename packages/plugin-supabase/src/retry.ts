import { ShowrunnerError } from '@showrunner/core';

/** How many times and how patiently a transfer is retried (from the plugin options). */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A longer Retry-After than this ends the retries (a worker should not sleep for minutes). */
  maxRetryAfterMs: number;
}

/**
 * One failed attempt, as the transport saw it: the HTTP status (none for a network error), Storage's
 * own status code from the error body (Storage answers most errors with HTTP 400 and the real status
 * in `statusCode`), its message, and whether trying again can help.
 */
export class Failure extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** 408, 423, 429 and 5xx (also when Storage puts them in the body of an HTTP 400), and network errors. */
  readonly transient: boolean;

  constructor(
    message: string,
    how: { status?: number; code?: string; retryAfterMs?: number; transient?: boolean; cause?: unknown } = {},
  ) {
    super(message, how.cause === undefined ? undefined : { cause: how.cause });
    this.status = how.status;
    this.code = how.code;
    this.retryAfterMs = how.retryAfterMs;
    const { status } = how;
    this.transient =
      how.transient ?? (status === undefined || retryable(status) || (status === 400 && retryable(Number(how.code))));
  }
}

const retryable = (status: number) => status === 408 || status === 423 || status === 429 || (status >= 500 && status < 600);

/** Retry-After in ms (delay-seconds or an HTTP date, RFC 9110 §10.2.3), or undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.round(Number(text) * 1000), Number.MAX_SAFE_INTEGER);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with equal jitter: half of `base · 2^(retry-1)` (capped) plus a random share of the rest. */
export function backoffMs(retry: number, base: number, max: number, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export const aborted = (cause?: unknown) => new ShowrunnerError('SR_ABORTED', 'The run was cancelled.', { cause });

/** Wait `ms`, or throw SR_ABORTED as soon as `signal` aborts (a cancelled job must not sit out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Run `attempt` until it succeeds, a failure is not transient, or the policy's retries are spent;
 * then throw what `fail` makes of the last failure. Waits honour Retry-After up to the cap, else back
 * off with jitter. Anything thrown that is not a Failure (a bad path, SR_ABORTED) passes through.
 */
export async function retrying<T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  attempt: () => Promise<T>,
  fail: (failure: Failure, attempts: number, note?: string) => ShowrunnerError,
): Promise<T> {
  for (let n = 1; ; n++) {
    if (signal?.aborted) throw aborted(signal.reason);
    try {
      return await attempt();
    } catch (err) {
      if (signal?.aborted) throw aborted(signal.reason);
      if (!(err instanceof Failure)) throw err;
      if (!err.transient || n > policy.retries) throw fail(err, n);
      const asked = err.retryAfterMs;
      if (asked !== undefined && asked > policy.maxRetryAfterMs) {
        throw fail(err, n, `the server asked to wait ${Math.ceil(asked / 1000)} s, more than maxRetryAfterMs`);
      }
      await sleep(asked ?? backoffMs(n, policy.backoffBaseMs, policy.backoffMaxMs), signal);
    }
  }
}
