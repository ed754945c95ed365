import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// The hosted app's node-side tests (test/): each file makes its own Postgres database and Redis prefix.
// Browser tests live in e2e/ and run with Playwright, not here. `@/` is the app folder, as in
// tsconfig.json's paths, so tests can call the real route handlers of app/api/.
export default defineProject({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '') } },
  test: {
    name: 'hosted',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
