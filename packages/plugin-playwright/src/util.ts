/** Resolve after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** True for Playwright errors that mean the page, context or browser is gone (crash, disconnect, close). */
export function isGone(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /Target (page, context or browser )?(has been )?closed|Target crashed|Browser has been closed|browser has disconnected|Page crashed/i.test(
    message,
  );
}

/** First line of an error message (Playwright appends long call logs). */
export const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
