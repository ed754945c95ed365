import pg from 'pg';
import { db } from '../db/client';
import { EVENTS_PAGE, eventsAfterForHub } from '../db/events';
import { env } from '../env';
import type { DemoEvent } from '../pipeline/types';

/** The channel the demo_events trigger NOTIFYs on, with `{ id, demoId }`. */
export const CHANNEL = 'showrunner_events';
/** `application_name` of the hub's connection (how an operator or a test finds it in pg_stat_activity). */
export const HUB_APPLICATION_NAME = 'showrunner-hub';

/** Options of a {@link Hub}; the defaults are what the web server uses. */
export interface HubOptions {
  /** Postgres to LISTEN on: a direct or session connection (Supabase's transaction pooler cannot LISTEN). */
  url: string;
  /** Reads a demo's events after an id, oldest first (default: demo_events through the pool). */
  read?: (demoId: string, afterId: number) => Promise<DemoEvent[]>;
  /** Reconnect delays: doubling from `minMs` to `maxMs`, jittered. */
  backoff?: { minMs: number; maxMs: number };
  log?: (message: string) => void;
}

interface Subscriber {
  /** The last event id this subscriber was given. */
  last: number;
  /** False while its replay runs; live events wait in `pending` meanwhile. */
  ready: boolean;
  pending: DemoEvent[];
  onEvent: (event: DemoEvent) => void;
}
interface Topic {
  subs: Set<Subscriber>;
  /** The newest event id read for this demo. */
  cursor: number;
  pumping: boolean;
  again: boolean;
}

/**
 * Live events for many pages over ONE Postgres connection per process: the hub LISTENs on
 * `showrunner_events`, and on each notification reads the demo's new rows once and hands them to every
 * subscriber of that demo. A subscriber first gets the events after its last id (a page reconnecting
 * with Last-Event-ID), then the live ones, each exactly once, in order. When Postgres drops the
 * connection the hub reconnects with backoff and reads every subscribed demo from where it was, so
 * nothing is lost in between. Created once per process by {@link hub}; the SSE route subscribes.
 */
export class Hub {
  private readonly options: Required<HubOptions>;
  private readonly topics = new Map<string, Topic>();
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private attempt = 0;
  private closed = false;
  /** Connections made (1 + reconnects) and notifications seen: for tests, the bench and logs. */
  readonly stats = { connects: 0, lost: 0, notifications: 0 };

  constructor(options: HubOptions) {
    this.options = {
      read: (demoId, afterId) => eventsAfterForHub(db(), demoId, afterId),
      backoff: { minMs: 200, maxMs: 10_000 },
      log: (m) => console.warn(`[hosted:hub] ${m}`),
      ...options,
    };
  }

  /** True while the LISTEN connection is up. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Demos with at least one subscriber. */
  get topicCount(): number {
    return this.topics.size;
  }

  /**
   * Follow a demo's events after `after`: replayed first, then live. Resolves once the replay has been
   * delivered; returns the function that stops it. The caller checked that the demo is the user's.
   */
  async subscribe(demoId: string, after: number, onEvent: (event: DemoEvent) => void): Promise<() => void> {
    await this.start();
    let topic = this.topics.get(demoId);
    if (!topic) {
      topic = { subs: new Set(), cursor: after, pumping: false, again: false };
      this.topics.set(demoId, topic);
    }
    const sub: Subscriber = { last: after, ready: false, pending: [], onEvent };
    topic.subs.add(sub);
    const stop = () => {
      const t = this.topics.get(demoId);
      t?.subs.delete(sub);
      if (t && t.subs.size === 0) this.topics.delete(demoId);
    };
    try {
      for (;;) {
        const page = await this.options.read(demoId, sub.last);
        for (const event of page) this.give(sub, event, true);
        if (page.length < EVENTS_PAGE) break;
      }
    } catch (err) {
      stop();
      throw err;
    }
    sub.ready = true;
    for (const event of sub.pending.splice(0)) this.give(sub, event);
    if (topic.subs.size === 1) topic.cursor = Math.max(topic.cursor, sub.last); // no one else needs older rows read
    return stop;
  }

  /** Close the connection and drop every subscriber (tests; a server shutting down). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.topics.clear();
    const client = this.client;
    this.client = undefined;
    await this.connecting?.catch(() => {});
    await client?.end().catch(() => {});
  }

  /** Connect once (the first subscriber); a failed first attempt keeps retrying in the background. */
  private async start(): Promise<void> {
    if (this.client || this.timer || this.closed) return;
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    await this.connecting.catch(() => {}); // replay still works through the pool; live events start on reconnect
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: HUB_APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg) => this.notified(msg.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      this.lost(client, err as Error);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.attempt = 0;
    this.stats.connects++;
    // Whatever was inserted while there was no connection: read every followed demo from its cursor.
    for (const [demoId, topic] of this.topics) void this.pump(demoId, topic);
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.client && this.client !== client) return; // an older connection saying goodbye
    const was = this.client === client;
    this.client = undefined;
    client.removeAllListeners('notification');
    client.end().catch(() => {});
    if (was) {
      this.stats.lost++;
      this.options.log(`LISTEN connection lost${err ? ` (${err.message})` : ''}; reconnecting`);
    }
    if (this.closed || this.timer) return;
    const { minMs, maxMs } = this.options.backoff;
    const delay = Math.min(maxMs, minMs * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt = Math.min(this.attempt + 1, 20);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed || this.client || this.connecting) return;
      this.connecting = this.connect().finally(() => {
        this.connecting = undefined;
      });
      this.connecting.catch(() => {}); // lost() scheduled the next attempt
    }, delay);
    this.timer.unref();
  }

  private notified(payload: string | undefined): void {
    this.stats.notifications++;
    let note: { id?: number; demoId?: string };
    try {
      note = JSON.parse(payload ?? '{}');
    } catch {
      return;
    }
    const topic = note.demoId ? this.topics.get(note.demoId) : undefined;
    if (!topic || (typeof note.id === 'number' && note.id <= topic.cursor)) return;
    void this.pump(note.demoId!, topic);
  }

  /** Read the demo's rows after the cursor and hand them out; one read at a time per demo, repeated if asked meanwhile. */
  private async pump(demoId: string, topic: Topic): Promise<void> {
    if (topic.pumping) {
      topic.again = true;
      return;
    }
    topic.pumping = true;
    try {
      do {
        topic.again = false;
        const page = await this.options.read(demoId, topic.cursor);
        for (const event of page) {
          topic.cursor = Math.max(topic.cursor, event.id);
          for (const sub of topic.subs) this.give(sub, event);
        }
        if (page.length === EVENTS_PAGE) topic.again = true;
      } while (topic.again && this.topics.get(demoId) === topic);
    } catch (err) {
      this.options.log(`reading events of ${demoId} failed: ${(err as Error).message}`);
    } finally {
      topic.pumping = false;
    }
  }

  private give(sub: Subscriber, event: DemoEvent, replay = false): void {
    if (!sub.ready && !replay) {
      sub.pending.push(event);
      return;
    }
    if (event.id <= sub.last) return;
    sub.last = event.id;
    try {
      sub.onEvent(event);
    } catch (err) {
      this.options.log(`a subscriber threw: ${(err as Error).message}`);
    }
  }
}

const KEY = Symbol.for('showrunner.hosted.hub');
type Holder = { [KEY]?: Hub };

/** The process's one hub, on DATABASE_URL (created on first use, kept across Next dev reloads). */
export function hub(): Hub {
  const holder = globalThis as Holder;
  holder[KEY] ??= new Hub({ url: env().DATABASE_URL });
  return holder[KEY];
}

/** Close the process's hub (tests; shutdown). */
export async function closeHub(): Promise<void> {
  const holder = globalThis as Holder;
  const h = holder[KEY];
  delete holder[KEY];
  await h?.close();
}
