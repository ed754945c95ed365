// `npm run hosted` from the repository root, as a person runs it: refused with the variable, the URL
// and how to start the server when Redis or Postgres does not answer; otherwise the web app (in its
// development mode) and the workers on a database and Redis prefix of their own, until SIGTERM to the
// command's process group (what a terminal's Ctrl-C or a service manager does) stops both and leaves
// nothing running.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { admin, dropDatabase, eventually, PG_ADMIN_URL, REDIS_URL } from './helpers';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const id = randomBytes(4).toString('hex');
const database = `sr_hosted_cmd_${id}`;
const prefix = `sr-hosted-cmd-${id}`;
const GRACE_SECONDS = 20;
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A port nobody listens on right now: the OS picks it, and it is closed again at once. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const urlOf = (name: string) => {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
};

/**
 * The environment of one `npm run hosted`: the test's own, minus anything of the hosted app's
 * (a developer's Clerk keys would switch it to a production build), plus `own`.
 */
function hostedEnv(own: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(CLERK|NEXT_PUBLIC_|SUPABASE|OPENROUTER|DATABASE_|REDIS_URL$|SHOWRUNNER_|HOSTED_|WORKER_|PORT$|NODE_ENV$)/.test(name))
      delete env[name];
  }
  // Set but empty: apps/hosted/.env.local cannot fill them in either.
  return { ...env, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: '', CLERK_SECRET_KEY: '', NO_COLOR: '1', ...own };
}

interface Hosted {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved as they arrived. */
  output: () => string;
  /** Resolves once the command and its shell have exited and closed their output. */
  closed: Promise<number | null>;
}

/** `npm run hosted` in a process group of its own (so the test can signal it as a terminal does). */
function hosted(env: NodeJS.ProcessEnv): Hosted {
  const child = spawn('npm', ['run', 'hosted'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  cleanups.push(async () => {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // only if a failed assertion left it running
    } catch {
      // already gone
    }
  });
  return { child, output: () => output, closed };
}

/** The processes still running with `marker` (NAME=value) in their environment, as `pid command line`. */
async function processesWith(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (!environ.split('\0').includes(marker)) continue;
    const command = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    found.push(`${entry} ${command.replaceAll('\0', ' ').trim()}`);
  }
  return found;
}

const databaseExists = async (name: string) =>
  (await admin('select 1 from pg_database where datname = $1', [name])).rowCount === 1;

describe('npm run hosted', () => {
  it('names REDIS_URL and how to start Redis when nothing answers there, and starts nothing', async () => {
    const port = await freePort();
    const run = hosted(hostedEnv({ REDIS_URL: `redis://127.0.0.1:${port}`, DATABASE_URL: urlOf(database) }));
    const code = await run.closed;
    expect(code).not.toBe(0);
    expect(run.output()).toContain(`Redis is not reachable at REDIS_URL=redis://127.0.0.1:${port}`);
    expect(run.output()).toContain(`redis-server --daemonize yes --bind 127.0.0.1 --port ${port} --save "" --appendonly no`);
    expect(run.output()).not.toContain('Postgres is not');
    expect(run.output()).not.toContain('migrated');
    expect(await databaseExists(database)).toBe(false);
  }, 180_000);

  it('names DATABASE_URL and how to start Postgres when nothing answers there', async () => {
    const port = await freePort();
    const url = `postgres://postgres@127.0.0.1:${port}/${database}`;
    const run = hosted(hostedEnv({ DATABASE_URL: url, REDIS_URL }));
    const code = await run.closed;
    expect(code).not.toBe(0);
    expect(run.output()).toContain(`Postgres is not reachable at DATABASE_URL=${url}`);
    expect(run.output()).toContain('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');
    expect(run.output()).not.toContain('Redis is not');
  }, 180_000);

  it('migrates a new database, serves the landing page and runs the workers; SIGTERM stops both', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(path.join(tmpdir(), 'sr-hosted-cmd-'));
    cleanups.push(async () => {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await dropDatabase(database);
      await rm(dataDir, { recursive: true, force: true });
    });
    const run = hosted(
      hostedEnv({
        DATABASE_URL: urlOf(database),
        REDIS_URL,
        SHOWRUNNER_QUEUE_PREFIX: prefix,
        HOSTED_DATA_DIR: dataDir,
        PORT: String(port),
        WORKER_GRACE_SECONDS: String(GRACE_SECONDS),
      }),
    );
    let ended = false;
    void run.closed.then(() => {
      ended = true;
    });
    const url = `http://localhost:${port}`;
    // Guards, not measurements: the first request of `next dev` compiles the page.
    await eventually(
      () => {
        if (ended) throw new Error(`npm run hosted ended early:\n${run.output().slice(-3000)}`);
        return run.output().includes('worker │ worker ready') && run.output().includes(`hosted: open ${url}`);
      },
      300_000,
      'the worker to be ready and the web app to answer',
    );
    expect(run.output()).toContain('hosted: development mode');
    expect(run.output()).toContain(`created database ${urlOf(database)}`);
    const migrations = new pg.Client({ connectionString: urlOf(database) });
    await migrations.connect();
    const applied = await migrations.query('select count(*)::int as n from drizzle.__drizzle_migrations');
    await migrations.end();
    expect(applied.rows[0].n).toBeGreaterThan(0);
    const landing = await fetch(url);
    expect(landing.status).toBe(200);
    expect(landing.headers.get('content-type')).toContain('text/html');
    expect(await landing.text()).toContain('<html');

    process.kill(-run.child.pid!, 'SIGTERM');
    await eventually(() => ended, (GRACE_SECONDS + 30) * 1000, 'npm run hosted to stop');
    expect(run.output()).toContain('hosted: SIGTERM: stopping the web app and the workers');
    expect(run.output()).toContain('worker │ worker stopped');
    expect(run.output()).toMatch(/hosted: stopped\n/);
    // Everything started with this environment is gone: at once, except `next dev`'s detached telemetry
    // flush (its own process group, spawned as it exits), which ends by itself.
    const left = async () =>
      (await processesWith(`SHOWRUNNER_QUEUE_PREFIX=${prefix}`)).filter((p) => !p.includes('detached-flush'));
    expect(await left()).toEqual([]);
    await eventually(
      async () => (await processesWith(`SHOWRUNNER_QUEUE_PREFIX=${prefix}`)).length === 0,
      60_000,
      'next telemetry flush to end',
    );
    await expect(fetch(url)).rejects.toThrow();
  }, 600_000);
});
