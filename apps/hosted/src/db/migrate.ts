import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** The migrations drizzle-kit wrote (`apps/hosted/drizzle`), including the NOTIFY trigger. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Thrown when Postgres cannot be reached or the database cannot be made; the message names DATABASE_URL. */
export class DatabaseUnreachable extends Error {
  readonly code = 'SR_DB_UNREACHABLE';
}

/** The URL with its password hidden, for messages. */
export function redactDbUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

const nameOf = (url: string) => decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';

/**
 * Make sure the database in `url` exists: connect, and when Postgres says it does not exist (3D000),
 * create it from the server's `postgres` database. Returns true when it was created. Throws
 * {@link DatabaseUnreachable} naming DATABASE_URL when the server cannot be reached or refuses.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const where = `DATABASE_URL=${redactDbUrl(url)}`;
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
    return false;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code !== '3D000') {
      throw new DatabaseUnreachable(
        `Cannot connect to Postgres at ${where}: ${e.message || e.code}.\n` +
          'Start Postgres (on this machine: `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) or set DATABASE_URL to a server you can reach.',
        { cause: err },
      );
    }
  } finally {
    await probe.end().catch(() => {});
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE "${nameOf(url).replaceAll('"', '""')}"`);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '42P04') return false; // created meanwhile by someone else
    throw new DatabaseUnreachable(`The database of ${where} does not exist and could not be created: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Apply every migration not applied yet (drizzle's migrator: its journal lives in the
 * `drizzle.__drizzle_migrations` table), on one connection of its own. Called by `npm run migrate`
 * and by the tests on their own databases.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await client.end();
  }
}
