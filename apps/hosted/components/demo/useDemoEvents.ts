'use client';

import { useEffect, useRef, useState } from 'react';
import type { DemoEvent } from '@/src/pipeline/types';

/** How the live connection is doing, for the small indicator next to the status. */
export type Connection = 'connecting' | 'live' | 'reconnecting' | 'closed' | 'off';

/**
 * Follows `/api/demos/<id>/events` with an EventSource while `enabled`. The first request asks for
 * events after `after` (what the server rendered); on a reconnect the browser sends Last-Event-ID
 * itself and the server replays what was missed. `onEvent` may change between renders.
 */
export function useDemoEvents(id: string, after: number, enabled: boolean, onEvent: (event: DemoEvent) => void): Connection {
  const [connection, setConnection] = useState<Connection>(enabled ? 'connecting' : 'off');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const from = useRef(after);

  useEffect(() => {
    if (!enabled) {
      setConnection('off');
      return;
    }
    setConnection('connecting');
    const source = new EventSource(`/api/demos/${encodeURIComponent(id)}/events?after=${from.current}`);
    source.onopen = () => setConnection('live');
    source.onmessage = (message) => {
      let event: DemoEvent;
      try {
        event = JSON.parse(message.data) as DemoEvent;
      } catch {
        return;
      }
      if (typeof event.id === 'number') from.current = Math.max(from.current, event.id);
      handler.current(event);
    };
    // The browser retries by itself after a network error; a refused request (401, 404) closes it.
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    return () => source.close();
  }, [id, enabled]);

  return connection;
}
