import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DEMO_SCHEMA_URL, type DemoInput, ShowrunnerError } from '@showrunner/core';

/** Stage plugins `init` wires in when they are installed, in slot order. */
const KNOWN = [
  { slot: 'parse', pkg: '@showrunner/plugin-openrouter', factory: 'openrouter', optional: true },
  { slot: 'tts', pkg: '@showrunner/plugin-espeak', factory: 'espeak' },
  { slot: 'record', pkg: '@showrunner/plugin-playwright', factory: 'playwright' },
  { slot: 'merge', pkg: '@showrunner/plugin-ffmpeg', factory: 'ffmpeg' },
] as const;

const EXAMPLE: DemoInput = {
  $schema: DEMO_SCHEMA_URL,
  url: 'https://example.com',
  title: 'Example tour',
  steps: [
    { action: 'goto', value: '/', narration: 'This is Example Domain, a page kept for documentation.' },
    { action: 'hover', target: { role: 'link' }, narration: 'The only link points to more information.' },
    { action: 'scroll', value: 'down', narration: 'And that is the whole page.' },
  ],
};

/** `showrunner init`: write showrunner.config.ts and an example demo, never overwriting without --force. */
export async function init(cwd: string, options: { force?: boolean }): Promise<string[]> {
  const configFile = path.join(cwd, 'showrunner.config.ts');
  const demoFile = path.join(cwd, 'demos', 'example.demo.json');
  for (const file of [configFile, demoFile]) {
    if (existsSync(file) && !options.force) {
      throw new ShowrunnerError('SR_USAGE', `${file} already exists.`, { file, hint: 'Pass --force to overwrite it.' });
    }
  }
  const pkgFile = path.join(cwd, 'package.json');
  const written = [configFile, demoFile];
  if (!existsSync(pkgFile)) {
    await writeFile(pkgFile, `${JSON.stringify(packageJson(cwd), null, 2)}\n`);
    written.unshift(pkgFile);
  }
  await writeFile(configFile, configSource(cwd));
  await mkdir(path.dirname(demoFile), { recursive: true });
  await writeFile(demoFile, `${JSON.stringify(EXAMPLE, null, 2)}\n`);
  return written;
}

/** A new project: ESM (the config is a module) with the packages the config imports. */
function packageJson(cwd: string) {
  const devDependencies: Record<string, string> = { '@showrunner/cli': '^0.1.0', '@showrunner/core': '^0.1.0' };
  for (const p of KNOWN) if (resolvable(p.pkg, cwd) && !('optional' in p)) devDependencies[p.pkg] = '^0.1.0';
  return {
    name: path
      .basename(cwd)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-'),
    private: true,
    type: 'module',
    scripts: { demo: 'showrunner record demos/example.demo.json' },
    devDependencies,
  };
}

function configSource(cwd: string): string {
  const installed = KNOWN.map((p) => ({ ...p, found: resolvable(p.pkg, cwd) }));
  const imports = installed.filter((p) => p.found).map((p) => `import ${p.factory} from '${p.pkg}';`);
  const slots = installed.map((p) => {
    if (p.found && !('optional' in p)) return `  ${p.slot}: ${p.factory}(),`;
    if (p.found) return `  // ${p.slot}: ${p.factory}({ model: '…' }), // plans from prose; needs OPENROUTER_API_KEY`;
    return `  // ${p.slot}: ${p.factory}(), // npm i -D ${p.pkg}`;
  });
  return [
    "import { defineConfig } from '@showrunner/core';",
    ...imports,
    '',
    '// One slot per stage. Empty parse = the offline script parser; empty storage = files in ./out.',
    'export default defineConfig({',
    ...slots,
    '  // storage: localStore({ dir: "out" }),',
    '  plugins: [],',
    '});',
    '',
  ].join('\n');
}

/** Installed in the project, or next to this CLI (which config loading falls back to). */
function resolvable(pkg: string, cwd: string): boolean {
  for (const from of [path.join(cwd, 'package.json'), import.meta.filename]) {
    try {
      createRequire(from).resolve(pkg);
      return true;
    } catch {}
  }
  return false;
}
