import { db } from '../db/client';
import { lastEventId } from '../db/events';
import { requireDemo } from '../pipeline/common';
import type { DemoEvent } from '../pipeline/types';
import { hub } from './hub';

/** Comment line sent this often so proxies and the browser keep an idle stream open. */
export const HEARTBEAT_MS = 15_000;

/** Where the page's event stream starts: the Last-Event-ID header (a reconnect), else `?after=` (the view's lastEventId). */
export function lastIdOf(request: Request): number | undefined {
  const raw = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('after');
  if (raw === null || !/^\d{1,15}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

/** One event in the text/event-stream format: `id:` the event id, `data:` the DemoEvent as JSON. */
export const frame = (event: DemoEvent): string => `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`;

/**
 * A text/event-stream Response fed by `subscribe(after, send)`: a `retry:` hint, then every event
 * `subscribe` sends (replayed ones first), a heartbeat comment every `heartbeatMs`; when the request
 * is aborted (the page closed) or the reader cancels, it unsubscribes and closes.
 */
export function sseResponse(
  request: Request,
  after: number,
  subscribe: (after: number, send: (event: DemoEvent) => void) => Promise<() => void>,
  options: { heartbeatMs?: number } = {},
): Response {
  const encoder = new TextEncoder();
  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let done = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    unsubscribe?.();
    try {
      controller.close();
    } catch {
      // already closed or cancelled by the reader
    }
  };
  const write = (text: string) => {
    if (done) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      finish();
    }
  };
  const stream = new ReadableStream<Uint8Array>({
    async start(c) {
      controller = c;
      if (request.signal.aborted) return finish();
      request.signal.addEventListener('abort', finish, { once: true });
      write('retry: 3000\n\n');
      try {
        const stop = await subscribe(after, (event) => write(frame(event)));
        if (done) stop();
        else unsubscribe = stop;
      } catch (err) {
        write(`: error ${(err as Error).message.replace(/\s+/g, ' ').slice(0, 200)}\n\n`);
        return finish();
      }
      heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs ?? HEARTBEAT_MS);
      heartbeat.unref?.();
    },
    cancel() {
      finish();
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}

/**
 * `GET /api/demos/[id]/events`: this user's demo's live events as server-sent events, from the
 * process's one LISTEN connection (the hub). Starts after Last-Event-ID (or `?after=`; else after the
 * newest event, so the page renders its DemoView and then follows). SR_NOT_FOUND (thrown before any
 * byte is sent) for someone else's demo.
 */
export async function eventsResponse(
  userId: string,
  id: string,
  request: Request,
  options: { heartbeatMs?: number } = {},
): Promise<Response> {
  const { demo } = await requireDemo(db(), userId, id);
  const after = lastIdOf(request) ?? (await lastEventId(db(), userId, demo.id));
  return sseResponse(request, after, (from, send) => hub().subscribe(demo.id, from, send), options);
}
