import type { NextConfig } from 'next';

// Next would bundle every server dependency into its own chunks. The engine's dependencies load
// native modules (onnxruntime, sharp), spawn browsers and ffmpeg, open Redis and Postgres connections
// and resolve files next to their own code, so the server requires them from node_modules as they are.
// Measured with Next 16.4.6: the third-party packages below are external (`.next/node_modules/<name>-<hash>`
// links), but the npm-workspace `@showrunner/*` packages are still bundled, by Turbopack and by webpack
// alike — their symlinks resolve into packages/*, outside node_modules (vercel/next.js#84388). Their
// own code is plain JS and works bundled; they stay listed so a Next that honours the list uses it.
const ENGINE = [
  '@showrunner/core',
  '@showrunner/cli',
  '@showrunner/queue',
  '@showrunner/plugin-espeak',
  '@showrunner/plugin-ffmpeg',
  '@showrunner/plugin-kokoro',
  '@showrunner/plugin-openrouter',
  '@showrunner/plugin-playwright',
  '@showrunner/plugin-supabase',
];
const NATIVE_OR_HEAVY = [
  'bullmq',
  'ioredis',
  'pg',
  'pg-native',
  'drizzle-orm',
  'playwright-core',
  'playwright',
  'onnxruntime-node',
  'onnxruntime-web',
  'kokoro-js',
  '@huggingface/transformers',
  'sharp',
  '@echogarden/espeak-ng-emscripten',
  '@ffmpeg-installer/ffmpeg',
  '@supabase/supabase-js',
  'tus-js-client',
  'ws',
  'openai',
  '@bull-board/api',
  '@bull-board/hono',
  '@hono/node-server',
  'hono',
];

// No usage reports leave the machine (the build also honours NEXT_TELEMETRY_DISABLED from the shell).
process.env.NEXT_TELEMETRY_DISABLED = '1';

const config: NextConfig = {
  serverExternalPackages: [...ENGINE, ...NATIVE_OR_HEAVY],
  // The browser tests build and serve their own copy (.next-e2e), so they never meet a developer's
  // `next dev` or build in `.next` (tsconfig.json includes that folder's types too).
  distDir: process.env.HOSTED_NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
