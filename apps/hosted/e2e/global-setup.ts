import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { APP_DIR, startStack } from './harness/stack';

// One hosted deployment for the whole test run, built and started as in production (see
// harness/stack.ts: its own database and Redis prefix, `next build` into .next-e2e + `next start
// -H localhost` with Clerk keys from the test's own key pair, the workers, the examples app; no planner,
// the script parser plans). Returns the teardown.

export { APP_DIR };
export const LOG_DIR = path.join(APP_DIR, 'e2e', '.logs');
const ADMIN = 'user_e2e_admin';

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  await rm(LOG_DIR, { recursive: true, force: true });
  await mkdir(LOG_DIR, { recursive: true });
  const stack = await startStack({
    name: 'e2e',
    logDir: LOG_DIR,
    distDir: '.next-e2e',
    build: process.env.E2E_REUSE_BUILD !== '1',
    admins: [ADMIN],
  });

  // What the tests read (Playwright hands the runner's environment to its workers).
  process.env.E2E_BASE_URL = stack.baseUrl;
  process.env.E2E_EXAMPLE_URL = stack.exampleUrl;
  process.env.E2E_CLERK_PRIVATE_KEY = stack.keys.privatePem;
  process.env.E2E_ADMIN_USER = ADMIN;
  process.env.E2E_DATABASE_URL = stack.databaseUrl;
  // The deployment's own settings (not the inherited environment), for specs that start another server.
  await writeFile(path.join(LOG_DIR, 'env.json'), JSON.stringify(stack.own, null, 2));
  process.env.E2E_ENV_FILE = path.join(LOG_DIR, 'env.json');
  return stack.teardown;
}
