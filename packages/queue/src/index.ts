/**
 * @showrunner/queue: the same config on BullMQ queues over Redis, with workers on as many machines as
 * you like. `RunQueue.connect()` to submit, approve, answer, cancel and follow runs; `startWorkers()` to
 * work on some stages in this process.
 */
export { connectRedis, DEFAULT_REDIS_URL, type RedisTarget } from './connect.js';
export { redisDecider } from './decider.js';
export { follow, publisher, type RunEvent } from './events.js';
export { jobId, Keys } from './keys.js';
export { type QueueOptions, RunQueue, type SubmitOptions } from './queue.js';
export { redisStore } from './redis-store.js';
export { DEFAULT_CONCURRENCY, startWorkers, type WorkerOptions, type Workers } from './workers.js';
