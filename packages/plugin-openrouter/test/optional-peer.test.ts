// @showrunner/plugin-playwright is an optional peer dependency. This installs the built plugin into
// a temporary node_modules that holds its dependencies but not the browser helper, loads it from
// there, and plans: the run must succeed without a snapshot and say why in a warning.
import { existsSync } from 'node:fs';
import { cp, mkdir, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ParsePlugin } from '@showrunner/core';
import { afterEach, describe, expect, it } from 'vitest';
import { GOOD_PLAN, planRun, tempDir } from './helpers.js';
import { completion, modelServer } from './model-server.js';

const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('@showrunner/plugin-openrouter/package.json'));
/** Where Node would find `name` from the plugin's folder (walking up node_modules folders). */
function moduleDir(name: string): string {
  for (let dir = pkgDir; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  throw new Error(`${name} is not installed`);
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function installWithoutPlaywright(): Promise<string> {
  const modules = path.join(await tempDir('sr-openrouter-install-'), 'node_modules');
  const target = path.join(modules, '@showrunner', 'plugin-openrouter');
  await mkdir(target, { recursive: true });
  await cp(path.join(pkgDir, 'package.json'), path.join(target, 'package.json'));
  await cp(path.join(pkgDir, 'dist'), path.join(target, 'dist'), { recursive: true });
  for (const dep of ['@showrunner/core', 'openai', 'zod']) {
    await mkdir(path.dirname(path.join(modules, dep)), { recursive: true });
    await symlink(moduleDir(dep), path.join(modules, dep), 'dir');
  }
  return path.join(target, 'dist', 'index.js');
}

describe('without the optional browser helper', () => {
  it('plans without a snapshot and warns', async () => {
    const entry = await installWithoutPlaywright();
    const { default: openrouter } = (await import(pathToFileURL(entry).href)) as {
      default: (o: Record<string, unknown>) => ParsePlugin;
    };
    const api = await modelServer([completion(GOOD_PLAN)]);
    servers.push(api);
    const plugin = openrouter({ baseURL: api.baseURL, apiKey: 'test-key', model: 'primary' });
    const t = await planRun(plugin, { url: 'http://127.0.0.1:9/app', description: 'Show how a new user creates a project.' });
    const { demo } = await t.run();

    expect(demo.steps).toHaveLength(4);
    expect(t.text()).toMatch(/warn Not taking a page snapshot: @showrunner\/plugin-playwright is not installed/);
    expect(api.prompt(0)).toMatch(/No snapshot of the start page is available/);
  });
});
