'use client';

import { shortDate } from './format';

/** A date in the reader's time zone; the server's rendering may differ, so the mismatch is expected. */
export function LocalTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {shortDate(iso)}
    </time>
  );
}
