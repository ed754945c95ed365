// Live events: the demo_events trigger NOTIFYs, ONE LISTEN connection per process fans them out to
// many subscribers, a page reconnecting with Last-Event-ID gets what it missed, and the hub survives
// Postgres killing its connection (subscribers catch up from demo_events by id).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoEvent } from '../src/pipeline/types';
import { HUB_APPLICATION_NAME, hub } from '../src/realtime/hub';
import { eventsResponse } from '../src/realtime/sse';
import { eventually, hostedTestEnv } from './helpers';

let t: Awaited<ReturnType<typeof hostedTestEnv>>;
beforeAll(async () => {
  t = await hostedTestEnv();
});
afterAll(async () => {
  await t?.stop();
});

/** A demo of `owner` made straight in the tables (no queue needed here). */
async function demoOf(owner: string): Promise<string> {
  const id = randomUUID();
  await t.sql('insert into users (id) values ($1) on conflict do nothing', [owner]);
  await t.sql(
    `insert into demos (id, owner_id, title, url, description, run_id) values ($1::uuid, $2, 'T', 'https://a.example', 'd', $1::text)`,
    [id, owner],
  );
  await t.sql(`insert into runs (id, demo_id, status) values ($1::text, $1::uuid, 'running')`, [id]);
  return id;
}

/** Insert an event as a worker's status hook would (another connection), and return its id. */
async function emit(demoId: string, data: Record<string, unknown>): Promise<number> {
  const [row] = await t.sql(`insert into demo_events (demo_id, type, data) values ($1, 'progress', $2) returning id`, [
    demoId,
    data,
  ]);
  return Number(row!.id);
}

const listeners = () =>
  t.sql<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'`,
  );

/** Read a text/event-stream body frame by frame. */
function frames(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const seen: string[] = [];
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        seen.push(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
      }
    }
  })();
  const events = () =>
    seen
      .filter((f) => f.startsWith('id: '))
      .map(
        (f) =>
          JSON.parse(
            f
              .split('\n')
              .find((l) => l.startsWith('data: '))!
              .slice(6),
          ) as DemoEvent,
      );
  return { seen, events, ended: pump };
}

describe('the realtime hub', () => {
  it('fans every event out to 60 subscribers of 3 demos, in order, over one LISTEN connection', async () => {
    const demos = [await demoOf('u1'), await demoOf('u1'), await demoOf('u2')];
    const got = new Map<string, number[][]>();
    const stops: (() => void)[] = [];
    for (const demoId of demos) {
      const lists: number[][] = [];
      got.set(demoId, lists);
      for (let i = 0; i < 20; i++) {
        const list: number[] = [];
        lists.push(list);
        stops.push(await hub().subscribe(demoId, 0, (e) => list.push(e.data.n as number)));
      }
    }
    for (let n = 1; n <= 10; n++) for (const demoId of demos) await emit(demoId, { n });
    await eventually(
      () => [...got.values()].every((lists) => lists.every((l) => l.length === 10)),
      15_000,
      'every subscriber to have 10 events',
    );
    for (const lists of got.values()) for (const list of lists) expect(list).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [{ n }] = (await listeners()) as [{ n: number }];
    expect(n).toBe(1);
    const named = await t.sql(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = $1`,
      [HUB_APPLICATION_NAME],
    );
    expect(named[0]!.n).toBe(1);
    for (const stop of stops) stop();
    expect(hub().topicCount).toBe(0);
  });

  it('an SSE response replays after Last-Event-ID, then goes live, beats, and unsubscribes when the request aborts', async () => {
    const demoId = await demoOf('u3');
    const ids = [];
    for (let n = 1; n <= 5; n++) ids.push(await emit(demoId, { n }));
    const abort = new AbortController();
    const request = new Request(`http://localhost/api/demos/${demoId}/events`, {
      headers: { 'Last-Event-ID': String(ids[2]) },
      signal: abort.signal,
    });
    const response = await eventsResponse('u3', demoId, request, { heartbeatMs: 50 });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const stream = frames(response);
    await eventually(() => stream.events().length === 2, 10_000, 'the replay');
    expect(stream.events().map((e) => e.data.n)).toEqual([4, 5]);
    expect(stream.seen.filter((f) => f.startsWith('id: ')).map((f) => Number(f.split('\n')[0]!.slice(4)))).toEqual([
      ids[3],
      ids[4],
    ]);
    const live = await emit(demoId, { n: 6 });
    await eventually(() => stream.events().length === 3, 10_000, 'the live event');
    expect(stream.events()[2]).toMatchObject({ id: live, type: 'progress', data: { n: 6 } });
    await eventually(() => stream.seen.includes(': heartbeat'), 10_000, 'a heartbeat');
    expect(stream.seen[0]).toBe('retry: 3000');
    expect(hub().topicCount).toBe(1);
    abort.abort();
    await stream.ended;
    expect(hub().topicCount).toBe(0);

    // Someone else's demo: SR_NOT_FOUND before any byte; ?after= works like the header.
    await expect(eventsResponse('u4', demoId, new Request('http://localhost/x'))).rejects.toMatchObject({ code: 'SR_NOT_FOUND' });
    const again = new AbortController();
    const fromQuery = frames(
      await eventsResponse('u3', demoId, new Request(`http://localhost/x?after=${ids[3]}`, { signal: again.signal })),
    );
    await eventually(() => fromQuery.events().length === 2, 10_000, 'the replay after ?after=');
    expect(fromQuery.events().map((e) => e.data.n)).toEqual([5, 6]);
    again.abort();
    await fromQuery.ended;
  });

  it('survives pg_terminate_backend of its connection: it reconnects and subscribers get what was sent meanwhile', async () => {
    const demoId = await demoOf('u5');
    const seen: number[] = [];
    const stop = await hub().subscribe(demoId, 0, (e) => seen.push(e.data.n as number));
    await emit(demoId, { n: 1 });
    await eventually(() => seen.length === 1, 10_000, 'the first event');
    const connectsBefore = hub().stats.connects;
    const [victim] = await t.sql<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and application_name = $1`,
      [HUB_APPLICATION_NAME],
    );
    await t.sql('select pg_terminate_backend($1)', [victim!.pid]);
    // Sent while the hub has no connection (or has not noticed yet): nobody is told by NOTIFY.
    await emit(demoId, { n: 2 });
    await emit(demoId, { n: 3 });
    await eventually(() => seen.length === 3, 20_000, 'the events sent while disconnected');
    await emit(demoId, { n: 4 });
    await eventually(() => seen.length === 4, 10_000, 'a live event after the reconnect');
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(hub().stats.lost).toBeGreaterThanOrEqual(1);
    expect(hub().stats.connects).toBe(connectsBefore + 1);
    const [after] = await t.sql<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and application_name = $1`,
      [HUB_APPLICATION_NAME],
    );
    expect(after!.pid).not.toBe(victim!.pid);
    const [{ n }] = (await listeners()) as [{ n: number }];
    expect(n).toBe(1);
    stop();
  });
});
