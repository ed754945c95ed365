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
  if (typeof target === 'object') return quiet(new Redis({ ...target, ...options }));
  return quiet(new Redis(target ?? process.env.SHOWRUNNER_REDIS_URL ?? DEFAULT_REDIS_URL, options));
}

/**
 * Listen to a connection's `error` events, which only say that a reconnect failed (ioredis retries for
 * ever and commands wait): without a listener, ioredis prints an "Unhandled error event" stack trace
 * per retry while Redis restarts. Workers report a lost Redis through their own log instead.
 */
export function quiet<T extends Redis>(redis: T): T {
  redis.on('error', () => {});
  return redis;
}

/** A second connection with the same options (for blocking reads, subscriptions, BullMQ workers), quiet too. */
export const duplicate = (redis: Redis): Redis => quiet(redis.duplicate());
