import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'core', testTimeout: 20_000 } });
