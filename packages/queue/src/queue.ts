import path from 'node:path';
import {
  type Answer,
  approvePlan,
  cancelRun,
  createRun,
  type Demo,
  isApproved,
  nextStep,
  type ParseInput,
  type RunFolder,
  type RunStore,
  readRun,
  ShowrunnerError,
  type StageName,
} from '@showrunner/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { connectRedis, type RedisTarget } from './connect.js';
import { follow, publish, type RunEvent } from './events.js';
import { jobId, Keys } from './keys.js';
import { redisStore } from './redis-store.js';

/** How to reach the queue. Every submitter and worker of one deployment uses the same values. */
export interface QueueOptions {
  /** Redis URL or ioredis options. Default: `SHOWRUNNER_REDIS_URL`, else redis://127.0.0.1:6379. */
  redis?: RedisTarget;
  /** Prefix of every key in Redis (queues, runs, events). Default `showrunner`. */
  prefix?: string;
  /** Where run state lives. Default: a RunStore in the same Redis (the hosted app passes Postgres). */
  store?: RunStore;
  /** This process's local runs folder (run folders are `<runsDir>/<runId>`). Default `.showrunner/runs`. */
  runsDir?: string;
}

/** Options of {@link RunQueue.submit}. */
export interface SubmitOptions {
  /** Approve the plan without review (`--yes`). Otherwise a planned run waits for `approve`. */
  autoApprove?: boolean;
  /** The run's id (default: made from the title and the time). */
  runId?: string;
  /** Who gave the demo (recorded as its approval). */
  by?: string;
  /** Make this run untrusted although the config is not. */
  trust?: 'untrusted';
}

/**
 * The queue as a submitter (the CLI with `--queue`, the hosted app) and workers see it: one BullMQ
 * queue per stage under the prefix, runs in the store, events in a stream per run. Jobs carry only
 * `{ runId, stage }`. Create with {@link RunQueue.connect}; close when done.
 */
export class RunQueue {
  readonly keys: Keys;
  readonly store: RunStore;
  /** The connection for commands (workers and followers open their own). */
  readonly redis: Redis;
  /** This process's local runs folder. */
  readonly runsDir: string;
  private readonly queues = new Map<StageName, Queue>();

  private constructor(redis: Redis, keys: Keys, store: RunStore, runsDir: string) {
    this.redis = redis;
    this.keys = keys;
    this.store = store;
    this.runsDir = runsDir;
  }

  static connect(options: QueueOptions = {}): RunQueue {
    const redis = connectRedis(options.redis);
    const prefix = options.prefix ?? 'showrunner';
    const store = options.store ?? redisStore(redis, { prefix });
    return new RunQueue(redis, new Keys(prefix), store, path.resolve(options.runsDir ?? '.showrunner/runs'));
  }

  /** The local folder of a run in this process. */
  runDir(runId: string): string {
    return path.join(this.runsDir, runId);
  }

  /** The BullMQ queue of a stage (created on first use). */
  queue(stage: StageName): Queue {
    let queue = this.queues.get(stage);
    if (!queue) {
      queue = new Queue(stage, { connection: this.redis, prefix: this.keys.prefix });
      queue.on('error', () => {}); // a lost connection (retried by ioredis); without a listener BullMQ prints each retry
      this.queues.set(stage, queue);
    }
    return queue;
  }

  /**
   * Start a run: a demo (recorded as given) or a request to plan. Nothing waits on a worker for a
   * review: a planned run is enqueued for parse and then waits, holding no worker, until `approve`
   * (unless `autoApprove`). Returns the run id.
   */
  async submit(source: { demo: Demo } | { request: ParseInput }, options: SubmitOptions = {}): Promise<string> {
    const runDir = await createRun(this.runsDir, source, { runId: options.runId, store: this.store, approvedBy: options.by });
    const runId = path.basename(runDir);
    const meta: Record<string, string> = {};
    if (options.autoApprove) meta.autoApprove = '1';
    if (options.trust === 'untrusted') meta.trust = 'untrusted';
    if (Object.keys(meta).length) await this.redis.hset(this.keys.meta(runId), meta);
    await this.advance(runId);
    return runId;
  }

  /** Approve a run waiting for review, with the plan as edited by a person (or as planned), and enqueue it. */
  async approve(runId: string, demo?: unknown, options: { by: string } = { by: 'person' }): Promise<RunFolder> {
    const run = await this.read(runId);
    const plan = demo ?? run.outputs.parse?.demo;
    const approved = await approvePlan(run.dir, plan, { by: options.by, store: this.store });
    await this.advance(runId);
    return approved;
  }

  /** Answer the failed step a paused run waits on. Throws SR_RUN_STATE when the run is not waiting. */
  async answer(runId: string, answer: Answer, options: { by?: string } = {}): Promise<void> {
    const { state } = await this.read(runId);
    const pending = state.pending;
    if (state.status !== 'paused' || !pending) {
      throw new ShowrunnerError('SR_RUN_STATE', `Run ${runId} is ${state.status}; no step waits for a decision.`, {
        field: 'status',
      });
    }
    const key = this.keys.answers(runId, pending.stepId, pending.attempt);
    await this.redis.rpush(key, JSON.stringify({ answer, by: options.by ?? 'person' }));
    await this.redis.expire(key, 24 * 3600);
  }

  /** Cancel a run: marked `cancelled` in the store, and the worker holding it stops within moments. */
  async cancel(runId: string, options: { by: string }): Promise<RunFolder> {
    const run = await this.read(runId);
    const cancelled = await cancelRun(run.dir, { by: options.by, store: this.store });
    await this.redis.publish(this.keys.cancels, runId);
    await publish(this.redis, this.keys, runId, { hook: 'onStatusChange', event: { runId, status: 'cancelled' } });
    return cancelled;
  }

  /** Continue a failed or cancelled run where it stopped (what `showrunner record --resume` does locally). */
  async resume(runId: string): Promise<void> {
    await this.advance(runId, true);
  }

  /** Read a run from the store. */
  async read(runId: string): Promise<RunFolder> {
    return readRun(this.runDir(runId), this.store);
  }

  /** Follow a run's events from its start until `signal` aborts (see events.ts). */
  follow(
    runId: string,
    listener: (item: RunEvent, id: string) => void | Promise<void>,
    options: { signal: AbortSignal; after?: string },
  ) {
    return follow(this.redis, this.keys, runId, listener, options);
  }

  /**
   * Enqueue what the run needs next: a job per stage (record takes the voice along when it has not
   * spoken yet), nothing while it waits for review or a decision; at the end, the run's final status
   * as an event. Called after submit, approve, and by workers after every job.
   */
  async advance(runId: string, resume = false): Promise<void> {
    let run = await this.read(runId);
    let next = nextStep(run, { resume });
    if (next.kind === 'review' && (await this.redis.hget(this.keys.meta(runId), 'autoApprove')) === '1') {
      run = await approvePlan(run.dir, run.outputs.parse?.demo, { by: 'auto', auto: true, store: this.store });
      next = nextStep(run);
    }
    const status = (s: string, extra: object = {}) =>
      publish(this.redis, this.keys, runId, { hook: 'onStatusChange', event: { runId, status: s, ...extra } });
    if (next.kind === 'review' && !isApproved(run.state)) return status('awaiting_review');
    if (next.kind === 'done') return status('done');
    if (next.kind === 'stopped') return status(next.status, { error: next.error });
    if (next.kind !== 'stages') return;
    const stages = next.stages.includes('record') ? next.stages.filter((s) => s !== 'tts') : next.stages;
    for (const stage of stages) {
      const attempt = Math.max(run.state.attempts[stage] ?? 0, run.state.stages[stage]?.attempt ?? 0) + 1;
      await this.queue(stage).add(
        stage,
        { runId, stage },
        {
          jobId: jobId(runId, stage, attempt),
          removeOnComplete: { age: 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      );
    }
  }

  /** Close the queues and the connection (workers are closed through their own handle). */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.redis.disconnect();
  }
}
