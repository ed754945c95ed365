import { ShowrunnerError } from '@showrunner/core';

/**
 * How long a server asked us to wait, in ms, or undefined when it did not say. Reads `Retry-After`
 * (delay-seconds or an HTTP date, RFC 9110 §10.2.3), then, on a 429 only, OpenRouter's
 * `X-RateLimit-Reset` (the instant the window resets, in epoch ms; epoch seconds are accepted too).
 */
export function serverWaitMs(headers: Headers | undefined, status: unknown, now = Date.now()): number | undefined {
  const retryAfter = headers?.get('retry-after')?.trim();
  if (retryAfter) {
    // Capped so a 30-digit value stays a plain integer in logs; anything this long is refused anyway.
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.min(Math.round(Number(retryAfter) * 1000), Number.MAX_SAFE_INTEGER);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = status === 429 ? headers?.get('x-ratelimit-reset')?.trim() : undefined;
  if (reset && /^\d+$/.test(reset)) {
    const at = Number(reset) < 1e11 ? Number(reset) * 1000 : Number(reset);
    return Math.max(0, at - now);
  }
  return undefined;
}

/**
 * Exponential backoff with "equal jitter": half of `base · 2^(retry-1)` (capped at `max`) plus a
 * random share of the other half, so clients that failed together do not retry together.
 */
export function backoffMs(retry: number, base: number, max: number, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Wait `ms`, or throw SR_ABORTED as soon as `signal` aborts (Ctrl-C must not wait out a backoff). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => new ShowrunnerError('SR_ABORTED', 'The run was cancelled.', { stage: 'parse' });
    if (signal.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
