import { defineProject } from 'vitest/config';

// End-to-end tests: the built CLI as a subprocess on the example app, and the packed packages
// installed in a project outside the monorepo. Slow by nature (real recordings).
export default defineProject({ test: { name: 'e2e', testTimeout: 600_000, hookTimeout: 600_000 } });
