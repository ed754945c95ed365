import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'openrouter', testTimeout: 60_000 } });
