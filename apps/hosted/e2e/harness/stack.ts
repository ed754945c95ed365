import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startExampleServer } from '../../../../examples/server.mjs';
import { clerkKeys, PUBLISHABLE_KEY, SECRET_KEY } from './clerk.js';
import { lemonSqueezyApi } from './lemonsqueezy-api.js';
import { freePort, runToEnd, type Started, start, stop, waitForHttp } from './processes.js';

// The whole hosted stack on this machine, built and started as in production: its own database and
// Redis prefix, `next build` + `next start -H localhost` with Clerk keys (the caller's own key pair),
// one worker process (`npm run worker`), and the examples app to record. No planner: with
// OPENROUTER_API_KEY unset the script parser plans the descriptions. The browser tests' global setup
// and the load bench (bench/hosted-load.ts) both start theirs here (deployment.ts starts a second web
// server and workers on a stack that is already there).

/** The apps/hosted folder. */
export const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = 'redis://127.0.0.1:6379';

/** What {@link startStack} needs to know. */
export interface StackOptions {
  /** Names the database and the Redis prefix, `sr_<name>_<random>`. */
  name: string;
  /** Where the processes' logs go (migrate.log, build.log, next.log, worker.log); must exist. */
  logDir: string;
  /** Next's build folder (HOSTED_NEXT_DIST_DIR), so a build never meets another one in `.next`. */
  distDir: string;
  /** Run `next build` first (false: serve what `distDir` holds). */
  build: boolean;
  /** ADMIN_USER_IDS. */
  admins?: string[];
}

/** A running stack and how to reach it. */
export interface Stack {
  /** `http://localhost:<port>` (never 127.0.0.1: clerkMiddleware would proxy to itself). */
  baseUrl: string;
  /** The examples app, the site the demos record. */
  exampleUrl: string;
  /** The database's name and URL. */
  database: string;
  databaseUrl: string;
  /** The Redis key prefix of the queue (every key of this stack starts with `<prefix>:`). */
  prefix: string;
  /** The test's Clerk key pair: CLERK_JWT_KEY is `publicPem`; sign session tokens with `privatePem`. */
  keys: { publicPem: string; privatePem: string };
  /** The stack's own settings (without the inherited environment). */
  own: Record<string, string>;
  web: Started;
  worker: Started;
  /** Stops every process it started, drops the database, deletes the Redis keys and the data folder. */
  teardown(): Promise<void>;
}

/**
 * Creates the database, migrates, builds (when asked) and starts `next start` and the worker; resolves
 * once the web server answers. On a failure it tears down what it started and rethrows.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const id = randomBytes(4).toString('hex');
  const database = `sr_${options.name}_${id}`;
  const prefix = database;
  const dataDir = await mkdtemp(path.join(tmpdir(), `sr-${options.name}-`));
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${database}`);
  await admin.end();

  const example = await startExampleServer();
  const keys = clerkKeys();
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;

  const inherited = { ...process.env };
  for (const name of Object.keys(inherited)) {
    if (
      /^(CLERK|NEXT_PUBLIC_|SUPABASE|OPENROUTER|LEMONSQUEEZY_|NODE_ENV$|DATABASE_|REDIS_URL$|SHOWRUNNER_|HOSTED_|ADMIN_USER_IDS$)/.test(
        name,
      )
    )
      delete inherited[name];
  }
  const own: Record<string, string> = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
    REDIS_URL,
    SHOWRUNNER_QUEUE_PREFIX: prefix,
    HOSTED_DATA_DIR: dataDir,
    HOSTED_NEXT_DIST_DIR: options.distDir,
    SHOWRUNNER_NETWORK_ALLOW: new URL(example.url).host,
    ADMIN_USER_IDS: (options.admins ?? []).join(','),
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
    CLERK_SECRET_KEY: SECRET_KEY,
    CLERK_JWT_KEY: keys.publicPem,
    // Webhooks as the services sign them (e2e/payment.spec.ts): Clerk's svix secret, and LemonSqueezy
    // configured with an offline key and the local API below (billing.spec.ts opens a checkout).
    CLERK_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
    LEMONSQUEEZY_API_KEY: 'e2e_offline_key',
    LEMONSQUEEZY_STORE_ID: '12345',
    LEMONSQUEEZY_VARIANT_PRO: '440001',
    LEMONSQUEEZY_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
    // The housekeeping sweep every second, so payment.spec.ts sees an expired video go.
    RETENTION_SWEEP_EVERY_MS: '1000',
    NEXT_PUBLIC_CLERK_TELEMETRY_DISABLED: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    NO_COLOR: '1',
  };
  // LemonSqueezy's API on this machine: the SDK is sent there (LEMONSQUEEZY_API_URL), so a checkout
  // opens in the browser tests with a stand-in checkout page from the same server.
  const lemonSqueezy = await lemonSqueezyApi(own.LEMONSQUEEZY_API_KEY!, {}, { localCheckout: true });
  own.LEMONSQUEEZY_API_URL = lemonSqueezy.origin;
  const env: NodeJS.ProcessEnv = { ...inherited, ...own };
  const log = (file: string) => path.join(options.logDir, file);
  const processes: Started[] = [];
  const teardown = async () => {
    for (const p of processes.reverse()) await stop(p);
    await example.close();
    await lemonSqueezy.close();
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    await client.query(`drop database if exists ${database} with (force)`);
    await client.end();
    await deleteKeys(prefix);
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await runToEnd('migrate', 'npm', ['run', 'migrate'], { cwd: APP_DIR, env, log: log('migrate.log') });
    if (options.build) await runToEnd('next build', 'npx', ['next', 'build'], { cwd: APP_DIR, env, log: log('build.log') });
    const web = start('next start', 'npx', ['next', 'start', '-H', 'localhost', '-p', String(port)], {
      cwd: APP_DIR,
      env,
      log: log('next.log'),
    });
    processes.push(web);
    const worker = start('workers', 'npm', ['run', 'worker'], { cwd: APP_DIR, env, log: log('worker.log') });
    processes.push(worker);
    await waitForHttp(`${baseUrl}/api/demos`, web, (res) => res.status === 401);
    return {
      baseUrl,
      exampleUrl: example.url,
      database,
      databaseUrl: own.DATABASE_URL!,
      prefix,
      keys,
      own,
      web,
      worker,
      teardown,
    };
  } catch (err) {
    await teardown();
    throw err;
  }
}

/** Deletes every Redis key under `<prefix>:` (the queue's, BullMQ's and the runs'); returns how many. */
export async function deleteKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
  return deleted;
}
