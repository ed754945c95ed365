// The migrations on empty databases: drizzle's migrator makes every table, the NOTIFY trigger and the
// updated_at triggers; `npm run migrate` creates a missing database and names DATABASE_URL when it
// cannot reach Postgres.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabase, migrateDatabase } from '../src/db/migrate';
import { env, resetEnv } from '../src/env';
import { createDatabase, dropDatabase, PG_ADMIN_URL } from './helpers';

const made: string[] = [];
afterAll(async () => {
  for (const name of made) await dropDatabase(name);
});

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const appDir = path.resolve(import.meta.dirname, '..');

describe('migrations', () => {
  it('create every table and trigger on an empty database, and are a no-op the second time', async () => {
    const { url, name } = await createDatabase();
    made.push(name);
    await migrateDatabase(url);
    const tables = await query(url, `select table_name from information_schema.tables where table_schema = 'public' order by 1`);
    expect(tables.map((t) => t.table_name)).toEqual([
      'decisions',
      'demo_events',
      'demos',
      'runs',
      'shares',
      'steps',
      'subscriptions',
      'users',
      'webhook_events',
    ]);
    const triggers = await query(url, `select tgname from pg_trigger where not tgisinternal order by 1`);
    expect(triggers.map((t) => t.tgname)).toEqual([
      'demo_events_notify',
      'demos_updated_at',
      'runs_updated_at',
      'users_updated_at',
    ]);
    await migrateDatabase(url);
    const applied = await query(url, 'select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(applied[0]!.n).toBe(3);
  });

  it('NOTIFY showrunner_events carries the new event id and demo id, on commit', async () => {
    const { url, name } = await createDatabase();
    made.push(name);
    await migrateDatabase(url);
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const got: string[] = [];
    listener.on('notification', (n) => got.push(n.payload ?? ''));
    await listener.query('LISTEN showrunner_events');
    const [demo] = await query(
      url,
      `with u as (insert into users (id) values ('user_a') returning id)
       insert into demos (owner_id, title, url, description) select id, 't', 'https://a.example', 'd' from u returning id`,
    );
    const [event] = await query(url, `insert into demo_events (demo_id, type) values ($1, 'status') returning id`, [demo!.id]);
    for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await listener.end();
    expect(got.map((p) => JSON.parse(p))).toEqual([{ id: Number(event!.id), demoId: demo!.id }]);
  });

  it('updated_at follows every update', async () => {
    const { url, name } = await createDatabase();
    made.push(name);
    await migrateDatabase(url);
    await query(url, `insert into users (id, updated_at) values ('u', now() - interval '1 day')`);
    await query(url, `update users set name = 'Ann' where id = 'u'`);
    const [row] = await query(url, `select updated_at > now() - interval '1 minute' as fresh from users`);
    expect(row!.fresh).toBe(true);
  });

  it('npm run migrate creates a missing database, then migrates it', async () => {
    const name = `sr_hosted_cli_${Date.now().toString(36)}`;
    made.push(name);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    expect(await ensureDatabase(url.toString())).toBe(true);
    await dropDatabase(name);
    const run = spawnSync('npm', ['run', '--silent', 'migrate'], {
      cwd: appDir,
      env: { ...process.env, DATABASE_URL: url.toString() },
      encoding: 'utf8',
    });
    expect(run.stdout).toContain(`created database postgres://postgres@127.0.0.1:5432/${name}`);
    expect(run.status).toBe(0);
    const tables = await query(
      url.toString(),
      `select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
    );
    expect(tables[0]!.n).toBe(9);
  });

  it('npm run migrate names DATABASE_URL when Postgres cannot be reached; a malformed URL is SR_ENV_INVALID naming it', () => {
    const down = spawnSync('npm', ['run', '--silent', 'migrate'], {
      cwd: appDir,
      env: { ...process.env, DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/nothing' },
      encoding: 'utf8',
    });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('Cannot connect to Postgres at DATABASE_URL=postgres://postgres:***@127.0.0.1:1/nothing');
    expect(down.stderr).not.toContain('secret');
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'mysql://nope';
    resetEnv();
    try {
      expect(() => env()).toThrow(expect.objectContaining({ code: 'SR_ENV_INVALID', variable: 'DATABASE_URL' }));
      expect(() => env()).toThrow('DATABASE_URL: must be a postgres: or postgresql: URL');
    } finally {
      process.env.DATABASE_URL = saved;
      resetEnv();
    }
  });
});
