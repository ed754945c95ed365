import { defineProject } from 'vitest/config';

// The hosted app's node-side tests (test/): each file makes its own Postgres database and Redis prefix.
// Browser tests live in e2e/ and run with Playwright, not here.
export default defineProject({
  test: {
    name: 'hosted',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
