import { existsSync, readdirSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleServer } from '../examples/server.mjs';
import { meanVolume, probe, ROOT, run, tempDir } from './helpers.js';

interface Packed {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
}

const PACKAGES = readdirSync(path.join(ROOT, 'packages')).map((p) => path.join(ROOT, 'packages', p));
let packDir: string;
const packed = new Map<string, Packed & { tarball: string; manifest: Record<string, unknown> }>();

beforeAll(async () => {
  packDir = await tempDir('sr-pack-');
  for (const dir of PACKAGES) {
    const { code, stdout, stderr } = await run('npm', ['pack', '--json', '--pack-destination', packDir], dir);
    expect(code, stderr).toBe(0);
    const [info] = JSON.parse(stdout) as Packed[];
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    packed.set(info!.name, { ...info!, tarball: path.join(packDir, info!.filename), manifest });
  }
});

describe('packages as users get them', () => {
  it('each tarball holds its compiled JS, its types and nothing else', () => {
    expect(packed.size).toBe(PACKAGES.length);
    for (const pkg of packed.values()) {
      const files = pkg.files.map((f) => f.path);
      const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts))$/.test(f));
      expect(stray, pkg.name).toEqual([]);
      const exports = (pkg.manifest.exports as Record<string, { types: string; default: string }>)['.']!;
      expect(files, pkg.name).toContain(exports.default.replace('./', ''));
      expect(files, pkg.name).toContain(exports.types.replace('./', ''));
      expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
      if (pkg.name.startsWith('@showrunner/plugin-')) {
        expect((pkg.manifest.peerDependencies as Record<string, string>)['@showrunner/core'], pkg.name).toBe('^0.1.0');
      }
    }
  });

  describe('a project outside the monorepo', () => {
    let project: string;
    let server: { url: string; close(): Promise<void> };
    beforeAll(async () => {
      project = await tempDir('sr-user-project-');
      await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'my-demos', private: true, type: 'module' }));
      const wanted = ['core', 'cli', 'plugin-espeak', 'plugin-playwright', 'plugin-ffmpeg'].map(
        (n) => packed.get(`@showrunner/${n}`)!.tarball,
      );
      const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...wanted], project);
      expect(install.code, install.stderr).toBe(0);
      server = await startExampleServer();
    });
    afterAll(() => server?.close());

    it('records the example demo through the installed bin, with a hook plugin and a storage stage of its own', async () => {
      await copyFile(path.join(ROOT, 'examples/tour.demo.json'), path.join(project, 'tour.demo.json'));
      await writeFile(
        path.join(project, 'showrunner.config.ts'),
        `import { appendFileSync, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineConfig, definePlugin, type StoragePlugin } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import playwright from '@showrunner/plugin-playwright';

/** Hook-only: logs every status change. */
const statusLog = definePlugin({
  name: 'my:status-log',
  hooks: { onStatusChange: (e) => appendFileSync('status.log', \`\${e.stage ?? 'run'} \${e.status}\\n\`) },
});

/** A storage stage of our own: copies the mp4 into ./published. */
const publish: StoragePlugin = definePlugin({
  name: 'my:publish',
  stage: 'storage',
  async run({ name, files }, ctx) {
    mkdirSync('published', { recursive: true });
    const video = files.find((f) => f.role === 'video')!;
    const target = path.resolve('published', \`\${name}.mp4\`);
    copyFileSync(ctx.resolve(video.path), target);
    const url = pathToFileURL(target).href;
    return { url, files: [{ ...video, url }] };
  },
});

export default defineConfig({ tts: espeak(), record: playwright(), merge: ffmpeg(), storage: publish, plugins: [statusLog] });
`,
      );
      const bin = path.join(project, 'node_modules/.bin/showrunner');
      const { code, stdout, stderr } = await run(bin, ['--json', 'record', 'tour.demo.json', '--base-url', server.url], project);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const summary = JSON.parse(stdout);
      const video = path.join(project, 'published', 'orbit-in-one-minute.mp4');
      expect(summary.url).toBe(`file://${video}`);
      expect(existsSync(video)).toBe(true);
      const media = await probe(video);
      expect(media.streams.map((s) => s.codec_name)).toEqual(expect.arrayContaining(['h264', 'aac', 'mov_text']));
      expect(media.chapters.length).toBeGreaterThanOrEqual(8); // one per step
      expect(await meanVolume(video)).toBeGreaterThan(-35); // audible speech, not silence
      const log = (await readFile(path.join(project, 'status.log'), 'utf8')).trim().split('\n');
      expect(log[0]).toBe('run running');
      expect(log).toContain('storage done');
      expect(log.at(-1)).toBe('run done');
    });
  });
});
