import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'playwright', testTimeout: 60_000, hookTimeout: 30_000 } });
