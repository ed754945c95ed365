import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'queue', testTimeout: 60_000 } });
