// Whether the app's build (apps/hosted/.next, or HOSTED_NEXT_DIST_DIR) can be served as it is (scripts/hosted.mjs, with Clerk keys, before
// `next start`). Next writes NEXT_PUBLIC_ values into the build, so a build made with other ones
// (e.g. the browser tests' own Clerk key) is stale even when no source changed: the values' hash is
// kept next to the build, with the build id it belongs to.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// What `next build` compiles (the engine's packages are loaded from node_modules at run time).
const SOURCES = [
  'app',
  'components',
  'src',
  'public',
  'proxy.ts',
  'instrumentation.ts',
  'next.config.ts',
  'showrunner.config.ts',
  'package.json',
  'tsconfig.json',
];
const SKIP = new Set(['node_modules', '.next', '.data']);
const STAMP = 'showrunner-build.json';
/** Where `next` builds: next.config.ts reads the same variable. */
const distDir = (app, env) => path.join(app, env.HOSTED_NEXT_DIST_DIR || '.next');

/** Newest modification time under `file` (a file or a folder), 0 when it does not exist. */
function newest(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file changes its folder
  for (const entry of readdirSync(file)) if (!SKIP.has(entry)) latest = Math.max(latest, newest(path.join(file, entry)));
  return latest;
}

const publicValues = (env) =>
  createHash('sha256')
    .update(
      Object.keys(env)
        .filter((k) => k.startsWith('NEXT_PUBLIC_'))
        .sort()
        .map((k) => `${k}=${env[k]}`)
        .join('\n'),
    )
    .digest('hex');

const buildId = (dist) => {
  const file = path.join(dist, 'BUILD_ID');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
};

/**
 * True when `.next` holds a production build newer than every source and the installed packages,
 * made by {@link markBuilt} with the same NEXT_PUBLIC_ values as `env`.
 */
export function buildIsCurrent(app, env) {
  const dist = distDir(app, env);
  const id = buildId(dist);
  if (!id) return false;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(dist, STAMP), 'utf8'));
  } catch {
    return false;
  }
  if (stamp.buildId !== id || stamp.publicValues !== publicValues(env)) return false;
  const built = statSync(path.join(dist, 'BUILD_ID')).mtimeMs;
  const installed = newest(path.join(app, '..', '..', 'node_modules', '.package-lock.json'));
  return Math.max(installed, ...SOURCES.map((s) => newest(path.join(app, s)))) <= built;
}

/** Records which NEXT_PUBLIC_ values the build was made with (after `next build`). */
export function markBuilt(app, env) {
  const dist = distDir(app, env);
  writeFileSync(path.join(dist, STAMP), `${JSON.stringify({ buildId: buildId(dist), publicValues: publicValues(env) })}\n`);
}
