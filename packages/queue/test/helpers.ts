import { randomBytes } from 'node:crypto';
import { type ResolvedConfig, resolveConfig, type UserConfig } from '@showrunner/core';
import { type RunEvent, RunQueue, startWorkers, type WorkerOptions, type Workers } from '@showrunner/queue';
import { Redis } from 'ioredis';
import { humTts, listMerge, paperRecorder, tempDir } from '../../core/test/plugins.js';

export const REDIS_URL = process.env.SHOWRUNNER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Delete every key under a prefix (tests share the machine's Redis, each under its own prefix). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

/** A queue under a fresh prefix, a config with the paper plugins, and workers for every stage; `stop()` cleans up. */
export async function harness(extra: UserConfig = {}, workerOptions: WorkerOptions = {}) {
  const prefix = `sr-test-${randomBytes(4).toString('hex')}`;
  const root = await tempDir('sr-queue-');
  const config: ResolvedConfig = await resolveConfig(
    { tts: humTts(), record: paperRecorder(), merge: listMerge(), ...extra },
    { root },
  );
  const queue = RunQueue.connect({ redis: REDIS_URL, prefix, runsDir: config.runsDir });
  const workers: Workers = await startWorkers(queue, config, { log: () => {}, ...workerOptions });
  return {
    prefix,
    config,
    queue,
    workers,
    async stop() {
      await workers.close(true);
      await queue.close();
      await dropPrefix(prefix);
    },
  };
}

/** Follow a run until `done(event)` says stop (or 30 s pass); returns every event seen. */
export async function until(queue: RunQueue, runId: string, done: (e: RunEvent) => boolean, ms = 30_000): Promise<RunEvent[]> {
  const seen: RunEvent[] = [];
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  await queue.follow(
    runId,
    (e) => {
      seen.push(e);
      if (done(e)) stop.abort();
    },
    { signal: stop.signal },
  );
  clearTimeout(timer);
  return seen;
}

/** True for a run-level status event with one of these statuses. */
export const runStatus =
  (...statuses: string[]) =>
  (e: RunEvent) =>
    e.hook === 'onStatusChange' && !e.event.stage && statuses.includes(String(e.event.status));
