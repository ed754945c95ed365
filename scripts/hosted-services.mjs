// Is Postgres there, is Redis there? Used by scripts/hosted.mjs before it migrates and starts anything,
// so a missing server is one clear message (which one, the URL tried, how to start it) instead of a
// stack trace from the worker or a page that never loads. Connects with the clients the app uses.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// Failures where nothing answered at that address (as opposed to a server that answered and refused).
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET']);
const LOCAL_HOSTS = new Set(['', 'localhost', '127.0.0.1', '[::1]', '::1']);

const reason = (err) => err?.message || err?.code || err?.errors?.[0]?.message || String(err);
const codeOf = (err) => err?.code ?? err?.errors?.[0]?.code;
const unreachable = (err) => UNREACHABLE.has(codeOf(err)) || /timeout|timed out/i.test(reason(err));
const onPath = (name) => (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, name)));

/** The URL with its password hidden, for messages. */
export function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function isLocal(url) {
  try {
    const u = new URL(url);
    return LOCAL_HOSTS.has(u.hostname) || (u.searchParams.get('host') ?? '').startsWith('/');
  } catch {
    return false;
  }
}

const SETUP = '  Not installed? `bash scripts/setup.sh` installs postgresql and redis-server with apt-get where missing.';

async function postgresProblem(url, root) {
  const pg = createRequire(path.join(root, 'apps', 'hosted', 'package.json'))('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return [];
  } catch (err) {
    if (codeOf(err) === '3D000') return []; // the server answered; the database itself is made by the migration
    const where = `DATABASE_URL=${redact(url)}`;
    if (!unreachable(err))
      return [`✖ Postgres at ${where} did not let us in (${reason(err)}): check the address, user and password in it.`];
    const lines = [`✖ Postgres is not reachable at ${where} (${reason(err)}).`];
    if (!isLocal(url))
      return [...lines, '  Check that the server at that address is up, or unset DATABASE_URL for the local one.'];
    if (!onPath('pg_ctlcluster')) lines.push(SETUP);
    lines.push('  Start it:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');
    return lines;
  } finally {
    await client.end().catch(() => {});
  }
}

async function redisProblem(url, root) {
  const { Redis } = createRequire(path.join(root, 'packages', 'queue', 'package.json'))('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let cause; // ioredis rejects with "Connection is closed."; the socket's own error says why
  redis.on('error', (e) => {
    cause ??= e;
  });
  try {
    await redis.connect();
    await redis.ping();
    return [];
  } catch (rejected) {
    const err = cause ?? rejected;
    const where = `REDIS_URL=${redact(url)}`;
    if (!unreachable(err)) {
      return [`✖ Redis at ${where} did not let us in (${reason(err)}): check the address and the password in it.`];
    }
    const lines = [`✖ Redis is not reachable at ${where} (${reason(err)}).`];
    if (!isLocal(url)) return [...lines, '  Check that the server at that address is up, or unset REDIS_URL for the local one.'];
    if (!onPath('redis-server')) lines.push(SETUP);
    const port = new URL(url).port || '6379';
    lines.push(`  Start it:  redis-server --daemonize yes --bind 127.0.0.1 --port ${port} --save "" --appendonly no`);
    return lines;
  } finally {
    redis.disconnect();
  }
}

/**
 * What stands in the way of starting the hosted app: one block of lines per server that does not
 * answer (both are checked, so one run names both). Empty when Postgres and Redis answer. `root` is
 * the repository, whose node_modules hold the clients.
 */
export async function servicesProblems({ databaseUrl, redisUrl, root }) {
  const [pg, redis] = await Promise.all([postgresProblem(databaseUrl, root), redisProblem(redisUrl, root)]);
  return [...pg, ...redis];
}
