// `showrunner worker` and `showrunner record --queue`, as a user runs them: a worker process in one
// project folder, the CLI following the run from another, over the machine's Redis under a private prefix.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { project, showrunner } from './bin.js';
import { DEMO, INLINE_PLUGINS } from './inline.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const REDIS = process.env.SHOWRUNNER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sr-cli-${randomBytes(4).toString('hex')}`;

const CONFIG = `${INLINE_PLUGINS}\nexport default defineConfig({ tts, record, merge });\n`;

afterAll(async () => {
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('showrunner worker and --queue', () => {
  it('records a demo file through a worker process and prints the same summary; the worker stops on SIGTERM', async () => {
    const workerDir = await project({ 'showrunner.config.ts': CONFIG });
    const worker = spawn(process.execPath, [BIN, 'worker', '--queue', REDIS, '--prefix', prefix], { cwd: workerDir });
    let log = '';
    worker.stderr.on('data', (d) => {
      log += d;
    });
    try {
      for (let i = 0; i < 200 && !log.includes('worker ready'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(log).toContain('worker ready: parse, tts, record, merge, storage');
      const dir = await project({ 'showrunner.config.ts': CONFIG, 'tour.demo.json': DEMO });
      const { code, stdout, stderr } = await showrunner(dir, 'record', 'tour.demo.json', '--queue', REDIS, '--prefix', prefix);
      expect(stderr).toContain('submitted quick-tour-');
      expect(code).toBe(0);
      expect(stdout).toContain('2 steps');
      expect(stdout).toMatch(/time: tts \d+\.\ds · record \d+\.\ds · merge \d+\.\ds · storage \d+\.\ds/);
      expect(log).toMatch(/✓ quick-tour-\S+ storage/);
    } finally {
      worker.kill('SIGTERM');
      const code = await new Promise((r) => worker.once('exit', r));
      expect(code).toBe(0);
      expect(log).toContain('worker stopped');
    }
  });

  it('refuses an unknown stage (exit 2)', async () => {
    const { code, stderr } = await showrunner(
      await project(),
      'worker',
      '--stages',
      'record,mix',
      '--queue',
      REDIS,
      '--prefix',
      prefix,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('--stages: unknown stage "mix"');
  });
});
