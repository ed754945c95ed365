import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'espeak', testTimeout: 60_000 } });
