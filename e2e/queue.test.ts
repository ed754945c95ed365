// The pipeline across machines, as a team would run it: the machine's Redis, two worker processes
// with their own folders (one records, one merges and stores), run files and the finished video in a
// local Supabase Storage, a run submitted by the CLI with --queue, approved through the API, one
// broken step answered `skip` through answer(), and the video checked like `npm run demo`'s.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RunQueue } from '@showrunner/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleServer } from '../examples/server.mjs';
import { type StorageServer, startStorageServer } from '../packages/plugin-supabase/test/storage-server.js';
import { meanVolume, probe, ROOT, tempDir } from './helpers.js';

const BIN = path.join(ROOT, 'packages/cli/dist/bin.js');
const REDIS = process.env.SHOWRUNNER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `sr-e2e-${randomBytes(4).toString('hex')}`;

// Each "machine" has its own folder and this config: the same pipeline, files through the bucket.
const CONFIG = `import { defineConfig } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import playwright from '@showrunner/plugin-playwright';
import { supabaseFiles, supabaseStorage } from '@showrunner/plugin-supabase';

const bucket = { url: process.env.SUPABASE_URL, serviceKey: process.env.SUPABASE_SERVICE_ROLE_KEY, bucket: 'showrunner' };
export default defineConfig({
  tts: espeak(),
  record: playwright({ stepTimeoutMs: 2_000, retries: 0 }),
  merge: ffmpeg(),
  storage: supabaseStorage({ ...bucket, owner: 'team' }),
  files: supabaseFiles({ ...bucket, prefix: 'runs' }),
});
`;
const SCRIPT = [
  'Title: Sign in to Orbit',
  'go to / — Welcome to Orbit, a small project tracker.',
  'type "ada@example.com" into "Email" — Start with your work email.',
  'type "orbit-demo-password" into "Password" — Then your password, blurred in the video.',
  'click "Open the secret drawer" — This button does not exist.',
  'click the button "Sign in" — Click Sign in, and your dashboard opens.',
  'hover "Website redesign" — Hover over a project to see its progress.',
].join('\n');

let storage: StorageServer;
let app: { url: string; close(): Promise<void> };
const children: ChildProcess[] = [];
const env = () => ({ ...process.env, NO_COLOR: '1', SUPABASE_URL: storage.url, SUPABASE_SERVICE_ROLE_KEY: storage.serviceKey });

/** A folder standing for one machine: its own package.json, config and runs folder. */
async function machine(name: string): Promise<string> {
  const dir = await tempDir(`sr-e2e-${name}-`);
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(path.join(dir, 'showrunner.config.ts'), CONFIG);
  return dir;
}

/** Start the CLI in `cwd`; its stderr is collected and `ready` resolves when it contains `marker`. */
function cli(cwd: string, args: string[], marker?: string) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => {
    out.stdout += d;
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      out.stderr += d;
      if (marker && out.stderr.includes(marker)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code} before "${marker}":\n${out.stderr}`)));
  });
  ready.catch(() => {});
  const exit = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  return { child, out, ready, exit };
}

beforeAll(async () => {
  [storage, app] = await Promise.all([startStorageServer(), startExampleServer()]);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  const queue = RunQueue.connect({ redis: REDIS, prefix });
  const keys = await queue.redis.keys(`${prefix}:*`);
  if (keys.length) await queue.redis.del(...keys);
  await queue.close();
  await Promise.all([storage?.close(), app?.close()]);
});

describe('the pipeline across workers and machines', () => {
  it('plans, waits for approval through the API, records on one worker, merges and stores on another', async () => {
    const [recorder, encoder, laptop] = await Promise.all([machine('recorder'), machine('encoder'), machine('laptop')]);
    const queueArgs = ['--queue', REDIS, '--prefix', prefix];
    const workerA = cli(recorder, ['worker', '--stages', 'parse,tts,record', ...queueArgs], 'worker ready');
    const workerB = cli(encoder, ['worker', '--stages', 'merge,storage', ...queueArgs], 'worker ready');
    await Promise.all([workerA.ready, workerB.ready]);

    const submit = cli(laptop, ['run', app.url, SCRIPT, ...queueArgs], 'submitted ');
    await submit.ready;
    const runId = /submitted (\S+) to/.exec(submit.out.stderr)![1]!;
    const queue = RunQueue.connect({ redis: REDIS, prefix, runsDir: path.join(laptop, '.showrunner/runs') });
    try {
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), 240_000);
      const seen: string[] = [];
      await queue.follow(
        runId,
        async ({ hook, event }) => {
          if (hook !== 'onStatusChange' || event.stage) return;
          seen.push(String(event.status));
          if (event.status === 'awaiting_review') {
            const plan = (await queue.read(runId)).outputs.parse!.demo;
            expect(plan.steps).toHaveLength(6);
            const edited = { ...plan, steps: plan.steps.map((s, i) => (i === 5 ? { ...s, narration: 'One last look.' } : s)) };
            await queue.approve(runId, edited, { by: 'e2e-reviewer' });
          }
          if (event.status === 'paused') await queue.answer(runId, 'skip', { by: 'e2e-person' });
          if (['done', 'failed', 'cancelled'].includes(String(event.status))) stop.abort();
        },
        { signal: stop.signal },
      );
      clearTimeout(timer);
      expect(seen).toEqual(expect.arrayContaining(['awaiting_review', 'paused', 'done']));
      expect(await submit.exit).toBe(0);
      expect(submit.out.stderr).toContain('the plan waits for approval');

      const run = await queue.read(runId);
      expect(run.state).toMatchObject({ status: 'done', approval: { by: 'e2e-reviewer', auto: false } });
      expect(run.state.steps).toMatchObject({ s1: 'done', s2: 'done', s3: 'done', s4: 'skipped', s5: 'done', s6: 'done' });
      expect(run.state.decisions).toMatchObject([{ stepId: 's4', answer: 'skip', by: 'e2e-person', source: 'person' }]);

      // The files crossed machines: the encoder pulled the recorder's frames; the recorder never saw the video.
      const attempt = run.state.stages.record!.attempt;
      expect(existsSync(path.join(encoder, '.showrunner/runs', runId, 'record', String(attempt), 'frames'))).toBe(true);
      expect(existsSync(path.join(recorder, '.showrunner/runs', runId, 'merge'))).toBe(false);
      expect(storage.objects('showrunner').some((o) => o.name.startsWith(`runs/${runId}/record/${attempt}/frames/`))).toBe(true);

      // The published video: a signed URL from the bucket, checked as `npm run demo`'s is.
      const video = run.outputs.storage!.files.find((f) => f.role === 'video')!;
      expect(storage.object('showrunner', `team/${runId}/final.mp4`)).toBeDefined();
      const file = path.join(await tempDir('sr-e2e-video-'), 'final.mp4');
      const response = await fetch(video.url);
      expect(response.status).toBe(200);
      await writeFile(file, Buffer.from(await response.arrayBuffer()));
      const media = await probe(file);
      expect(media.streams.map((s) => s.codec_name).sort()).toEqual(expect.arrayContaining(['aac', 'h264']));
      expect(Number(media.format.duration)).toBeGreaterThan(8);
      expect(media.chapters.map((c) => c.tags?.title)).toHaveLength(5); // one per performed step
      expect(await meanVolume(file)).toBeGreaterThan(-50); // speech, not silence
      expect(submit.out.stdout).toContain('5 steps (1 skipped)');
    } finally {
      await queue.close();
      workerA.child.kill('SIGTERM');
      workerB.child.kill('SIGTERM');
      expect(await workerA.exit).toBe(0);
      expect(await workerB.exit).toBe(0);
    }
  });
});
