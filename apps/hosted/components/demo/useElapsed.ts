'use client';

import { useEffect, useState } from 'react';

/** Milliseconds since `since` (ISO), ticking every second while `running`; undefined without a start. */
export function useElapsed(since: string | undefined, running: boolean): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  if (!since) return undefined;
  const start = Date.parse(since);
  return Number.isNaN(start) ? undefined : Math.max(0, now - start);
}
