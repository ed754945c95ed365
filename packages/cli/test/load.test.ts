import { execFile } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { project } from './bin.js';

const exec = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/identity.mjs', import.meta.url));
const CORE = fileURLToPath(new URL('../../core', import.meta.url));

// A config that hands what it imported to the host: core's module namespace and an instance of its
// error class. Type annotations make sure it really goes through the TypeScript loader.
const CONFIG = `
import * as core from '@showrunner/core';
import { defineConfig, ShowrunnerError } from '@showrunner/core';

const g = globalThis as { showrunnerConfigSaw?: unknown; showrunnerConfigRuns?: number };
g.showrunnerConfigRuns = (g.showrunnerConfigRuns ?? 0) + 1;
const error: ShowrunnerError = new ShowrunnerError('SR_USAGE', 'made by the config');
g.showrunnerConfigSaw = { core, error };
export default defineConfig({ plugins: [] });
`;

async function identity(mode: 'cli' | 'worker', file: string) {
  const { stdout } = await exec(process.execPath, [FIXTURE, mode, file]);
  return JSON.parse(stdout) as Record<string, boolean>;
}

describe('one copy of core for TypeScript configs', () => {
  const layouts = [
    // `npx showrunner init` in an empty folder: core resolves from the CLI's own install.
    { name: 'a project without @showrunner/core installed', install: false },
    // An app that depends on core (the hosted worker): core resolves from the project's node_modules.
    { name: 'a project with @showrunner/core installed', install: true },
  ];
  for (const layout of layouts) {
    for (const mode of ['cli', 'worker'] as const) {
      it(`${mode === 'cli' ? 'the CLI (loadConfig)' : 'a worker (importDefault)'} shares core with ${layout.name}`, async () => {
        const dir = await project({ 'showrunner.config.ts': CONFIG });
        if (layout.install) {
          await mkdir(path.join(dir, 'node_modules', '@showrunner'), { recursive: true });
          await symlink(CORE, path.join(dir, 'node_modules', '@showrunner', 'core'), 'dir');
        }
        expect(await identity(mode, path.join(dir, 'showrunner.config.ts'))).toEqual({
          loaded: true,
          sameModule: true,
          sameClass: true,
          evaluatedOnce: true,
        });
      });
    }
  }

  it('shares core with a .mts config too', async () => {
    const dir = await project({ 'showrunner.config.mts': CONFIG });
    expect(await identity('cli', path.join(dir, 'showrunner.config.mts'))).toMatchObject({ sameModule: true, sameClass: true });
  });
});
