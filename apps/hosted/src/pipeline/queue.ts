import { RunQueue } from '@showrunner/queue';
import { dataDirs, env } from '../env';

const KEY = Symbol.for('showrunner.hosted.queue');
type Holder = { [KEY]?: RunQueue };

/**
 * The process's one RunQueue: REDIS_URL, keys under SHOWRUNNER_QUEUE_PREFIX, run folders under
 * HOSTED_DATA_DIR/runs, run state in Redis (the queue's own store). The web app submits, approves,
 * answers and cancels through it; the worker hands it to startWorkers. Kept on globalThis so Next's
 * dev server reuses it across reloads.
 */
export function queue(): RunQueue {
  const holder = globalThis as Holder;
  holder[KEY] ??= RunQueue.connect({
    redis: env().REDIS_URL,
    prefix: env().SHOWRUNNER_QUEUE_PREFIX,
    runsDir: dataDirs().runs,
  });
  return holder[KEY];
}

/** Close the queue's connections (the worker on SIGTERM, tests at the end). */
export async function closeQueue(): Promise<void> {
  const holder = globalThis as Holder;
  const q = holder[KEY];
  delete holder[KEY];
  await q?.close();
}

/**
 * A queue call that gives up after `ms` (QUEUE_TIMEOUT_MS) with `QueueTimeout`, reported as SR_UNAVAILABLE (the queue's Redis
 * connection waits out a restart forever, which a web request must not). The call itself still
 * completes if Redis comes back; callers undo what they must.
 */
export async function withinTime<T>(what: string, call: Promise<T>, ms = env().QUEUE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueTimeout(`${what}: the queue (REDIS_URL) did not answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A queue call that did not finish in time (Redis unreachable). */
export class QueueTimeout extends Error {
  readonly code = 'SR_QUEUE_TIMEOUT';
}
