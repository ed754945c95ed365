import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleServer } from '../examples/server.mjs';
import { probe, ROOT, run, tempDir } from './helpers.js';

const BIN = path.join(ROOT, 'packages/cli/dist/bin.js');
const CONFIG = `
import { defineConfig } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import playwright from '@showrunner/plugin-playwright';
export default defineConfig({ tts: espeak(), record: playwright({ stepTimeoutMs: 2000, retries: 0 }), merge: ffmpeg() });
`;
const DEMO = {
  title: 'Broken tour',
  url: '/',
  steps: [
    { id: 'email', action: 'fill', target: { label: 'Email' }, value: 'ada@example.com', narration: 'Type your email.' },
    { id: 'ghost', action: 'click', target: { role: 'button', name: 'Teleport me' }, narration: 'This button does not exist.' },
    {
      id: 'password',
      action: 'fill',
      target: { label: 'Password' },
      value: 'secret-pw',
      sensitive: true,
      narration: 'Then the password.',
    },
  ],
};

let server: { url: string; close(): Promise<void> };
let dir: string;
beforeAll(async () => {
  server = await startExampleServer();
  dir = await tempDir('sr-e2e-broken-');
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(path.join(dir, 'showrunner.config.ts'), CONFIG);
  await writeFile(path.join(dir, 'broken.demo.json'), JSON.stringify(DEMO));
});
afterAll(() => server?.close());

describe('a demo with a broken step, through the CLI', () => {
  it('--on-fail skip finishes, and the video has one step fewer', async () => {
    const { code, stdout, stderr } = await run(
      process.execPath,
      [BIN, '--json', 'record', 'broken.demo.json', '--on-fail', 'skip', '--base-url', server.url],
      dir,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.steps).toEqual({ email: 'done', ghost: 'skipped', password: 'done' });
    const media = await probe(summary.video);
    expect(media.streams.map((s) => s.codec_name).sort()).toEqual(expect.arrayContaining(['aac', 'h264']));
    expect(media.chapters).toHaveLength(2);
  });

  it('--ci exits non-zero naming the step and leaves the screenshot', async () => {
    const { code, stderr } = await run(
      process.execPath,
      [BIN, 'record', 'broken.demo.json', '--ci', '--base-url', server.url],
      dir,
    );
    expect(code).toBe(1);
    expect(stderr).toContain('step 2 (ghost) failed');
    const shot = /screenshot: (.+\.png)/.exec(stderr)?.[1];
    expect(shot && existsSync(shot)).toBe(true);
    expect(stderr).toMatch(/SR_STEP_ABORTED/);
    // the run folder stays for a resume: tts done, record not
    const runs = await readdir(path.join(dir, '.showrunner/runs'));
    expect(runs.length).toBeGreaterThanOrEqual(2);
  });
});
