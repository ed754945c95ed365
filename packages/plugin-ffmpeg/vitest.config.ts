import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'ffmpeg', testTimeout: 60_000 } });
