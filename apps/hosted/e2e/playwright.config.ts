import { defineConfig } from '@playwright/test';

// Browser tests of the hosted app on the system Chromium against `next start` + workers + Postgres +
// Redis (see global-setup.ts). Run: `npm run test:e2e -w apps/hosted` (E2E_REUSE_BUILD=1 skips
// `next build` when .next-e2e is current). One worker: the specs share one server on a 2-core machine.

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: '../test-results/e2e',
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
