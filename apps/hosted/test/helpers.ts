import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveConfig, runStages } from '@showrunner/core';
import pg from 'pg';
import { closeDb } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';
import { resetEnv } from '../src/env';
import { closeQueue, queue } from '../src/pipeline/queue';
import { statusHook } from '../src/pipeline/status-hook';
import { closeHub } from '../src/realtime/hub';

// Each test file gets its own database `sr_hosted_<random>` on the machine's Postgres, its own Redis
// key prefix and its own data folder; `stop()` closes every connection and removes all three.

export const PG_ADMIN_URL = process.env.SR_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.SHOWRUNNER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Run one statement as the admin user on the `postgres` database. */
export async function admin<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await client.query<T>(sql, params);
  } finally {
    await client.end();
  }
}

/** Create an empty database and return its URL and name. */
export async function createDatabase(): Promise<{ url: string; name: string }> {
  const name = `sr_hosted_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

export const dropDatabase = (name: string) => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);

/**
 * A migrated database, a Redis prefix and a data folder, set in process.env before anything reads
 * it (env() is parsed on first use). Call in beforeAll; `stop()` in afterAll.
 */
export async function hostedTestEnv(extra: Record<string, string> = {}) {
  const { url, name } = await createDatabase();
  await migrateDatabase(url);
  const prefix = `sr-hosted-${randomBytes(4).toString('hex')}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sr-hosted-'));
  Object.assign(process.env, {
    DATABASE_URL: url,
    REDIS_URL,
    SHOWRUNNER_QUEUE_PREFIX: prefix,
    HOSTED_DATA_DIR: dataDir,
    ...extra,
  });
  resetEnv();
  return {
    url,
    name,
    prefix,
    dataDir,
    /** A query on the test database (through the app's pool is fine too; this one is separate). */
    async sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<T>(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      const redis = queue().redis;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      await closeHub();
      await closeQueue();
      await closeDb();
      await dropDatabase(name);
      await rm(dataDir, { recursive: true, force: true });
      resetEnv();
    },
  };
}

/** Poll `check` until it returns something truthy (or fail after `ms`: a guard, not a timing assertion). */
export async function eventually<T>(check: () => Promise<T> | T, ms = 30_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * For tests without workers: plan a submitted run in this process as the parse worker would (core's
 * script parser over the demo's description, into the queue's run folder), then report it at review
 * through the hosted status hook, so the run waits at review in the queue and in the database.
 */
export async function planAtReview(runId: string): Promise<void> {
  const dataDir = process.env.HOSTED_DATA_DIR!;
  const config = await resolveConfig(
    { runsDir: path.join(dataDir, 'runs'), cacheDir: path.join(dataDir, 'cache') },
    { root: dataDir },
  );
  await runStages(config, queue().runDir(runId), ['parse'], { store: queue().store, log: () => {} });
  await queue().advance(runId);
  const spec = statusHook().hooks!.onStatusChange!;
  await (typeof spec === 'function' ? spec : spec.handler)({ runId, status: 'awaiting_review' } as never, {} as never);
}
