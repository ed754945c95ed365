import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'supabase', testTimeout: 60_000 } });
