import { defineConfig } from 'vitest/config';

// Every package is a Vitest project; packages that need their own timeouts add a vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*', 'e2e', 'apps/hosted'],
    passWithNoTests: true,
  },
});
