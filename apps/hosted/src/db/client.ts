import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { env } from '../env';
import * as schema from './schema';

/** The typed database every query module uses (a transaction has the same query API). */
export type Db = NodePgDatabase<typeof schema>;
/** `db` itself or a transaction of it: query modules take either, so callers can group writes. */
export type Tx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

interface Held {
  pool: pg.Pool;
  db: Db;
}
// On globalThis, so Next's dev server (which re-evaluates modules on every edit) keeps one pool.
const KEY = Symbol.for('showrunner.hosted.db');
type Holder = { [KEY]?: Held };

function held(): Held {
  const holder = globalThis as Holder;
  if (holder[KEY]) return holder[KEY];
  const { DATABASE_URL, DATABASE_POOL_MAX } = env();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: DATABASE_POOL_MAX, idleTimeoutMillis: 30_000 });
  // An idle client whose server connection dies (restart, pg_terminate_backend) emits `error` on the
  // pool; without a listener that would crash the process. The pool drops it and opens a new one.
  pool.on('error', (err) => console.warn(`[hosted:db] idle connection lost: ${err.message}`));
  holder[KEY] = { pool, db: drizzle(pool, { schema }) };
  return holder[KEY];
}

/** The process's one pg Pool (DATABASE_URL, at most DATABASE_POOL_MAX connections). */
export const pool = (): pg.Pool => held().pool;

/** The process's drizzle database on that pool. Used by the query modules in src/db/. */
export const db = (): Db => held().db;

/** Close the pool (the worker on SIGTERM, tests at the end). The next call to db() opens a new one. */
export async function closeDb(): Promise<void> {
  const holder = globalThis as Holder;
  const h = holder[KEY];
  delete holder[KEY];
  await h?.pool.end();
}
