import { aborted } from './retry.js';

/**
 * Run `fn` over `items`, at most `limit` at a time. The first failure aborts the signal the others
 * were given (their retries and requests stop) and is what this throws, once every started call has
 * settled, so nothing keeps writing after the caller moved on.
 */
export async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const inner = new AbortController();
  const forward = () => inner.abort(signal?.reason);
  if (signal?.aborted) forward();
  signal?.addEventListener('abort', forward, { once: true });
  let next = 0;
  let first: { error: unknown } | undefined;
  const worker = async () => {
    while (!first && !inner.signal.aborted && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item, inner.signal);
      } catch (error) {
        if (!first) {
          first = { error };
          inner.abort(error);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', forward);
  }
  if (first) throw first.error;
  if (signal?.aborted) throw aborted(signal.reason);
}
