import { Queue, Worker } from 'bullmq';
import { env } from '../env';
import { queue } from '../pipeline/queue';
import { type SweepResult, sweep } from './retention';

/** The BullMQ queue of the hosted app's own periodic jobs, under the deployment's prefix. */
export const HOUSEKEEPING_QUEUE = 'housekeeping';
/** The job scheduler's id: every worker process upserts the same one, so there is one schedule. */
export const SWEEP_SCHEDULER = 'retention-sweep';

/** Options of {@link startHousekeeping}; the defaults are the worker's. */
export interface HousekeepingOptions {
  /** Time between two sweeps. Default RETENTION_SWEEP_EVERY_MS (1 h). */
  everyMs?: number;
  /** The clock a sweep runs at. Default the current time. */
  now?: () => Date;
  /** Told after each sweep (the worker prints it). */
  onSweep?: (result: SweepResult) => void;
}

/** The running housekeeping: its queue (to inspect) and how to stop it. */
export interface Housekeeping {
  queue: Queue;
  worker: Worker;
  close(): Promise<void>;
}

/**
 * Register the repeatable retention sweep (a BullMQ job scheduler every `everyMs`, upserted: several
 * worker processes share one schedule) and a worker that runs sweep(now) for each of its jobs, one at
 * a time. Called by the hosted worker (src/worker.ts) at start; tests call it with a short interval.
 */
export async function startHousekeeping(options: HousekeepingOptions = {}): Promise<Housekeeping> {
  const every = options.everyMs ?? env().RETENTION_SWEEP_EVERY_MS;
  const now = options.now ?? (() => new Date());
  const prefix = queue().keys.prefix;
  const connections = [queue().redis.duplicate(), queue().redis.duplicate()];
  for (const c of connections) c.on('error', () => {}); // retried by ioredis; the run workers report Redis
  const q = new Queue(HOUSEKEEPING_QUEUE, { connection: connections[0]!, prefix });
  q.on('error', () => {});
  await q.upsertJobScheduler(SWEEP_SCHEDULER, { every }, { name: 'sweep', opts: { removeOnComplete: 10, removeOnFail: 50 } });
  const worker = new Worker<unknown, SweepResult>(HOUSEKEEPING_QUEUE, () => sweep(now()), {
    connection: connections[1]!,
    prefix,
    concurrency: 1,
  });
  worker.on('error', () => {});
  worker.on('completed', (_job, result) => options.onSweep?.(result));
  worker.on('failed', (_job, err) => console.warn(`[hosted:housekeeping] SR_SWEEP_FAILED: ${err.message}`));
  return {
    queue: q,
    worker,
    async close() {
      await worker.close();
      await q.close();
      for (const c of connections) c.disconnect();
    },
  };
}
