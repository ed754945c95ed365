// The clients of the hosted load bench (bench/hosted-load.ts): a live-status subscriber as the demo
// page's EventSource is (GET /api/demos/<id>/events, reconnecting with Last-Event-ID), a dashboard
// reader (GET /dashboard as HTML or GET /api/demos, one request at a time with a think time), and a
// sampler of the load database's connections in pg_stat_activity.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type pg from 'pg';
import type { DemoEvent } from '../apps/hosted/src/pipeline/types.js';
import { sleep } from './queue-harness.js';

/** What one subscriber saw. */
export interface SubscriberRecord {
  demoId: string;
  /** The event id it started after (the DemoView's lastEventId, as the page does). */
  after: number;
  /** Event ids in the order they arrived. */
  ids: number[];
  /** Events written after its stream opened: id, type, `at` (the worker's hook wrote it) and arrival, epoch ms. */
  live: { id: number; type: string; at: number; received: number }[];
  /** Deliveries of events older than the stream (replayed from demo_events). */
  replayed: number;
  /** Streams that ended without the bench closing them (each reconnects with Last-Event-ID). */
  drops: number;
  /** Non-2xx answers or network errors when connecting. */
  errors: string[];
}

/**
 * Follows a demo's events until `signal` aborts: `?after=<after>` first, then `Last-Event-ID` after a
 * dropped stream (as EventSource does). `onEvent` sees every event as it arrives. `opened` resolves
 * once the first stream answered 200.
 */
export function subscribe(
  base: string,
  headers: Record<string, string>,
  demoId: string,
  after: number,
  signal: AbortSignal,
  onEvent: (event: DemoEvent) => void,
): { record: SubscriberRecord; opened: Promise<void>; ended: Promise<void> } {
  const record: SubscriberRecord = { demoId, after, ids: [], live: [], replayed: 0, drops: 0, errors: [] };
  let onOpen!: () => void;
  const opened = new Promise<void>((r) => {
    onOpen = r;
  });
  const ended = (async () => {
    let last = after;
    for (let attempt = 0; !signal.aborted; attempt++) {
      const url = `${base}/api/demos/${demoId}/events${attempt === 0 ? `?after=${after}` : ''}`;
      const extra: Record<string, string> = attempt === 0 ? {} : { 'last-event-id': String(last) };
      try {
        const res = await fetch(url, { headers: { ...headers, ...extra, accept: 'text/event-stream' }, signal });
        if (res.status !== 200 || !res.body) {
          record.errors.push(`events ${res.status}`);
          await res.body?.cancel();
          await sleep(1000);
          continue;
        }
        const openedAt = Date.now();
        onOpen();
        const decoder = new TextDecoder();
        let buffer = '';
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const data = buffer
              .slice(0, end)
              .split('\n')
              .find((line) => line.startsWith('data: '));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            if (!data) continue; // retry hint or heartbeat
            const received = Date.now();
            const event = JSON.parse(data.slice(6)) as DemoEvent;
            const at = Date.parse(event.at);
            record.ids.push(event.id);
            last = Math.max(last, event.id);
            if (at >= openedAt) record.live.push({ id: event.id, type: event.type, at, received });
            else record.replayed++;
            onEvent(event);
          }
        }
        if (!signal.aborted) record.drops++;
      } catch (err) {
        if (signal.aborted) break;
        record.drops++;
        record.errors.push(`events: ${(err as Error).message}`);
        await sleep(1000);
      }
    }
  })();
  return { record, opened, ended };
}

/** The two things a dashboard reader asks for. */
export type ReadKind = 'dashboard HTML' | 'api/demos JSON';

/** One finished request of a reader. */
export interface Read {
  kind: ReadKind;
  ms: number;
  /** Empty when it was a 2xx with the expected body. */
  error?: string;
}

/**
 * A person with the dashboard open: alternately GET /dashboard (HTML, as the browser loads it) and
 * GET /api/demos (JSON), one request at a time, `thinkMs` ± 50 % between them, until `signal` aborts.
 * A request the abort cut short is not counted.
 */
export async function readDashboard(
  base: string,
  cookie: string,
  thinkMs: number,
  signal: AbortSignal,
  reads: Read[],
): Promise<void> {
  let html = Math.random() < 0.5;
  while (!signal.aborted) {
    const kind: ReadKind = html ? 'dashboard HTML' : 'api/demos JSON';
    html = !html;
    const started = performance.now();
    try {
      const res = await fetch(`${base}${kind === 'dashboard HTML' ? '/dashboard' : '/api/demos'}`, {
        headers:
          kind === 'dashboard HTML'
            ? { cookie, accept: 'text/html', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' }
            : { cookie, accept: 'application/json' },
        redirect: 'manual',
        signal,
      });
      const body = await res.text();
      const ms = performance.now() - started;
      let error: string | undefined;
      if (res.status < 200 || res.status > 299) error = `${kind} ${res.status}`;
      else if (kind === 'dashboard HTML' && !body.includes('Your demos')) error = `${kind}: not the dashboard`;
      else if (kind === 'api/demos JSON' && !Array.isArray((JSON.parse(body) as { demos?: unknown }).demos))
        error = `${kind}: no demos list`;
      reads.push({ kind, ms, error });
    } catch (err) {
      if (signal.aborted) break;
      reads.push({ kind, ms: performance.now() - started, error: `${kind}: ${(err as Error).message}` });
    }
    await sleep(thinkMs * (0.5 + Math.random()));
  }
}

/** Peaks of the load database's connections, and of the load average, over the sampling. */
export interface ConnectionPeaks {
  samples: number;
  /** Client connections to the database (the bench's own sampling connection excluded). */
  total: number;
  /** Of those, running a query at the moment of the sample. */
  active: number;
  /** Of those, LISTENing (their last statement was LISTEN, or application_name showrunner-hub). */
  listen: number;
  /** Connections held by each named process tree (matched by the client's TCP port). */
  by: Record<string, number>;
  /** Highest 1-minute load average seen. */
  load1: number;
  /** Why sampling stopped early, if it did. */
  error?: string;
}

/**
 * Samples pg_stat_activity for `database` every `everyMs` on `client` (connected to that database),
 * and tells whose each connection is: `owners` names process trees (their pids), a connection belongs
 * to the tree holding the socket of its client port.
 */
export function sampleConnections(client: pg.Client, database: string, owners: Record<string, () => number[]>, everyMs = 500) {
  const peaks: ConnectionPeaks = { samples: 0, total: 0, active: 0, listen: 0, by: {}, load1: 0 };
  let running = true;
  let owner = new Map<number, string>();
  let backends: number[] = [];
  const loop = (async () => {
    while (running) {
      const result = await client
        .query<{ pid: number; port: number | null; active: boolean; listen: boolean }>(
          `select pid, client_port as port, state = 'active' as active,
                (query ilike 'listen %' or application_name = 'showrunner-hub') as listen
           from pg_stat_activity
          where datname = $1 and backend_type = 'client backend' and pid <> pg_backend_pid()`,
          [database],
        )
        .catch((err: Error) => {
          running = false; // the connection is gone (the stack is being torn down): stop sampling
          peaks.error = err.message;
          return undefined;
        });
      if (!result) break;
      const { rows } = result;
      backends = rows.map((row) => row.pid);
      // Pool connections live long: look the sockets up again only when a port is new (reading
      // /proc/net/tcp costs); a port no named process holds is remembered as 'other'.
      if (rows.some((row) => row.port !== null && !owner.has(row.port))) {
        owner = socketOwners(owners);
        for (const row of rows) if (row.port !== null && !owner.has(row.port)) owner.set(row.port, 'other');
      }
      const by: Record<string, number> = {};
      for (const row of rows) {
        const name = (row.port !== null && owner.get(row.port)) || 'other';
        by[name] = (by[name] ?? 0) + 1;
      }
      peaks.samples++;
      peaks.total = Math.max(peaks.total, rows.length);
      peaks.active = Math.max(peaks.active, rows.filter((r) => r.active).length);
      peaks.listen = Math.max(peaks.listen, rows.filter((r) => r.listen).length);
      for (const [name, n] of Object.entries(by)) peaks.by[name] = Math.max(peaks.by[name] ?? 0, n);
      peaks.load1 = Math.max(peaks.load1, Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
      await sleep(everyMs);
    }
  })();
  return {
    /** The Postgres backend pids serving the database at the last sample. */
    backends: () => backends,
    async stop(): Promise<ConnectionPeaks> {
      running = false;
      await loop;
      return peaks;
    },
  };
}

/** Local TCP port → the name of the process tree holding that socket (from /proc/net/tcp and each pid's fds). */
function socketOwners(owners: Record<string, () => number[]>): Map<number, string> {
  const byInode = new Map<string, string>();
  for (const [name, pids] of Object.entries(owners)) {
    for (const pid of pids()) {
      let fds: string[] = [];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {}
      for (const fd of fds) {
        try {
          const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
          if (link.startsWith('socket:[')) byInode.set(link.slice(8, -1), name);
        } catch {}
      }
    }
  }
  const byPort = new Map<number, string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[] = [];
    try {
      lines = readFileSync(file, 'utf8').split('\n').slice(1);
    } catch {}
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const owner = fields[9] ? byInode.get(fields[9]) : undefined;
      if (local && owner) byPort.set(Number.parseInt(local.split(':')[1]!, 16), owner);
    }
  }
  return byPort;
}
