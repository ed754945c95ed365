import { Redis, type RedisOptions } from 'ioredis';

/** Where the queue's Redis is: a URL, ioredis options, or the environment (`SHOWRUNNER_REDIS_URL`). */
export type RedisTarget = string | RedisOptions | undefined;

/** The Redis URL used when none is given. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * A Redis connection for the queue. BullMQ's workers need `maxRetriesPerRequest: null` (a blocking
 * command must not be retried into an error while Redis restarts); the same setting lets every other
 * command wait out a restart instead of failing the run.
 */
export function connectRedis(target: RedisTarget): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false };
  if (typeof target === 'object') return new Redis({ ...target, ...options });
  return new Redis(target ?? process.env.SHOWRUNNER_REDIS_URL ?? DEFAULT_REDIS_URL, options);
}
