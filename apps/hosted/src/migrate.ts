import { DatabaseUnreachable, ensureDatabase, migrateDatabase, redactDbUrl } from './db/migrate';
import { env } from './env';

// `npm run migrate -w apps/hosted`: create the database if it is missing, then apply the migrations.
// Exit 1 with one clear line (naming DATABASE_URL) when Postgres cannot be reached.
try {
  const url = env().DATABASE_URL;
  if (await ensureDatabase(url)) console.log(`created database ${redactDbUrl(url)}`);
  await migrateDatabase(url);
  console.log(`migrated ${redactDbUrl(url)}`);
} catch (err) {
  const e = err as Error & { code?: string };
  console.error(e instanceof DatabaseUnreachable || e.code === 'SR_ENV_INVALID' ? e.message : (e.stack ?? String(e)));
  process.exitCode = 1;
}
