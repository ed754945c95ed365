import { ShowrunnerError } from '@showrunner/core';

/**
 * Resolve after `ms` milliseconds, or reject with the signal's reason as soon as it aborts, so no
 * sleep of the recorder outlives a cancelled run.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  return abortable(new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms))), signal);
}

/**
 * `promise`, or a rejection with `signal.reason` as soon as the signal aborts (at once if it already
 * has). The promise itself keeps running; its late rejection is swallowed. Used around every wait
 * that a cancel, the recording deadline or a refused navigation must cut short.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(err);
      },
    );
  });
}

/** The error of a recording cancelled from outside (Ctrl-C, job cancellation). */
export function cancelled(plugin: string): ShowrunnerError {
  return new ShowrunnerError('SR_ABORTED', 'The recording was cancelled.', { stage: 'record', plugin });
}

/** True for Playwright errors that mean the page, context or browser is gone (crash, disconnect, close). */
export function isGone(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /Target (page, context or browser )?(has been )?closed|Target crashed|Browser has been closed|browser has disconnected|Page crashed/i.test(
    message,
  );
}

/** First line of an error message (Playwright appends long call logs). */
export const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
