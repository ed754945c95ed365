// A run survives its Redis restarting (a private, durable redis-server killed and started again on the
// same port and dir) while a record job waits on a decision, and no connection of the submitter or the
// workers prints "Unhandled error event" stack traces meanwhile (ioredis retries; BullMQ's queues and
// ioredis duplicates without an `error` listener used to print one per retry).
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { parseDemo, resolveConfig } from '@showrunner/core';
import { RunQueue, startWorkers } from '@showrunner/queue';
import { afterEach, expect, it, vi } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from '../../core/test/plugins.js';
import { runStatus, until } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => {});
  cleanup = [];
  vi.restoreAllMocks();
});

it('a run waiting on a decision completes after Redis restarts, with no unhandled connection errors printed', async () => {
  const dir = await tempDir('sr-queue-restart-');
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort();
  let redis: ChildProcess | undefined;
  const up = async () => {
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 200 && !(await accepts(port)); i++) await sleep(25);
  };
  const kill = async () => {
    const exited = new Promise((r) => redis!.once('exit', r));
    redis!.kill('SIGKILL');
    await exited;
  };
  await up();
  cleanup.push(kill);

  const printed = vi.spyOn(console, 'error');
  const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge() }, { root: dir });
  const queue = RunQueue.connect({ redis: `redis://127.0.0.1:${port}`, prefix: 'sr-restart', runsDir: config.runsDir });
  const workers = await startWorkers(queue, config, { log: () => {} });
  cleanup.push(async () => {
    await workers.close(true);
    await queue.close();
  });

  const demo = parseDemo({
    url: 'http://localhost:9/',
    title: 'Restart',
    steps: [
      { action: 'goto', value: '/', narration: 'Home.' },
      { action: 'click', target: { css: '#missing' }, narration: 'Open the menu.' },
    ],
  });
  const runId = await queue.submit({ demo });
  await until(queue, runId, runStatus('paused'));
  await kill();
  await sleep(1_000);
  await up();
  await queue.answer(runId, 'skip', { by: 'user' });
  await until(queue, runId, runStatus('done', 'failed'));

  expect((await queue.read(runId)).state).toMatchObject({ status: 'done', steps: { s2: 'skipped' } });
  const lines = printed.mock.calls.map((args) => args.map(String).join(' '));
  expect(lines.filter((l) => /Unhandled error event|ECONNREFUSED|ECONNRESET/.test(l))).toEqual([]);
});
