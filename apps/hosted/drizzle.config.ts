import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate` (from apps/hosted) writes a migration for a change to src/db/schema.ts;
// `generate --custom --name <what>` an empty one for SQL drizzle cannot express (triggers).
// Migrations are applied by `npm run migrate` (src/migrate.ts), which uses drizzle's migrator.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/showrunner' },
  strict: true,
});
