import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FullConfig } from '@playwright/test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startExampleServer } from '../../../examples/server.mjs';
import { clerkKeys, PUBLISHABLE_KEY, SECRET_KEY } from './harness/clerk';
import { freePort, runToEnd, type Started, start, stop, waitForHttp } from './harness/processes';

// One hosted deployment for the whole test run, built and started as in production: its own
// database and Redis prefix, `next build` + `next start -H localhost` with Clerk keys (the test's
// own key pair), the workers (`npm run worker`), and the examples app to record. No planner: with
// OPENROUTER_API_KEY unset the script parser plans the descriptions. Returns the teardown.

export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
export const LOG_DIR = path.join(APP_DIR, 'e2e', '.logs');
const ADMIN = 'user_e2e_admin';

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const id = randomBytes(4).toString('hex');
  const database = `sr_e2e_${id}`;
  const prefix = `sr_e2e_${id}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sr-e2e-'));
  await rm(LOG_DIR, { recursive: true, force: true });
  await mkdir(LOG_DIR, { recursive: true });
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();

  const example = await startExampleServer();
  const keys = clerkKeys();
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;

  const inherited = { ...process.env };
  for (const name of Object.keys(inherited)) {
    if (/^(CLERK|NEXT_PUBLIC_|SUPABASE|OPENROUTER|NODE_ENV$|DATABASE_|REDIS_URL$|SHOWRUNNER_|HOSTED_|ADMIN_USER_IDS$)/.test(name))
      delete inherited[name];
  }
  const own: Record<string, string> = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    SHOWRUNNER_QUEUE_PREFIX: prefix,
    HOSTED_DATA_DIR: dataDir,
    HOSTED_NEXT_DIST_DIR: '.next-e2e',
    SHOWRUNNER_NETWORK_ALLOW: new URL(example.url).host,
    ADMIN_USER_IDS: ADMIN,
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
    CLERK_SECRET_KEY: SECRET_KEY,
    CLERK_JWT_KEY: keys.publicPem,
    NEXT_PUBLIC_CLERK_TELEMETRY_DISABLED: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    NO_COLOR: '1',
  };
  const env: NodeJS.ProcessEnv = { ...inherited, ...own };
  const processes: Started[] = [];
  const teardown = async () => {
    for (const p of processes.reverse()) await stop(p);
    await example.close();
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    await client.query(`drop database if exists ${database} with (force)`);
    await client.end();
    await deleteKeys(prefix);
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await runToEnd('migrate', 'npm', ['run', 'migrate'], { cwd: APP_DIR, env, log: path.join(LOG_DIR, 'migrate.log') });
    if (process.env.E2E_REUSE_BUILD !== '1') {
      await runToEnd('next build', 'npx', ['next', 'build'], { cwd: APP_DIR, env, log: path.join(LOG_DIR, 'build.log') });
    }
    const web = start('next start', 'npx', ['next', 'start', '-H', 'localhost', '-p', String(port)], {
      cwd: APP_DIR,
      env,
      log: path.join(LOG_DIR, 'next.log'),
    });
    processes.push(web);
    processes.push(start('workers', 'npm', ['run', 'worker'], { cwd: APP_DIR, env, log: path.join(LOG_DIR, 'worker.log') }));
    await waitForHttp(`${baseUrl}/api/demos`, web, (res) => res.status === 401);
  } catch (err) {
    await teardown();
    throw err;
  }

  // What the tests read (Playwright hands the runner's environment to its workers).
  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_EXAMPLE_URL = example.url;
  process.env.E2E_CLERK_PRIVATE_KEY = keys.privatePem;
  process.env.E2E_ADMIN_USER = ADMIN;
  process.env.E2E_DATABASE_URL = env.DATABASE_URL;
  // The deployment's own settings (not the inherited environment), for specs that start another server.
  await writeFile(path.join(LOG_DIR, 'env.json'), JSON.stringify(own, null, 2));
  process.env.E2E_ENV_FILE = path.join(LOG_DIR, 'env.json');
  return teardown;
}

/** Every Redis key of this run (the queue's, BullMQ's and the runs') goes. */
async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}
