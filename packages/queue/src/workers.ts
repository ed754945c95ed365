import os from 'node:os';
import {
  abandonStage,
  dirFiles,
  isApproved,
  isShowrunnerError,
  type LogEntry,
  nextStep,
  type ResolvedConfig,
  type RunFiles,
  runStages,
  STAGES,
  type StageName,
} from '@showrunner/core';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { duplicate } from './connect.js';
import { redisDecider } from './decider.js';
import { publisher } from './events.js';
import type { RunQueue } from './queue.js';

/** True when what the run needs next is this stage (e.g. tts again for the clips of replaced steps). */
const needsStage = (run: Parameters<typeof nextStep>[0], stage: StageName): boolean => {
  const next = nextStep(run);
  return next.kind === 'stages' && next.stages.includes(stage);
};

/** Options of {@link startWorkers}. */
export interface WorkerOptions {
  /** Stages this process works on. Default: all five. */
  stages?: StageName[];
  /** Jobs at once per stage. Defaults: {@link DEFAULT_CONCURRENCY}. */
  concurrency?: Partial<Record<StageName, number>>;
  /** How run files reach other machines. Default: the config's `files`, else the runs folder is shared (nothing is copied). */
  files?: RunFiles;
  /** How long a job's lock lasts without renewal; a killed worker's job is picked up about 1.5× this later. Default 10 s. */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for. Default 5 s. */
  stalledIntervalMs?: number;
  /** Times a job may stall (its worker died) before it fails. Default 3. */
  maxStalledCount?: number;
  /** Receives plugin log lines and the workers' own. Default: warnings to stderr. */
  log?: (entry: LogEntry) => void;
}

/**
 * Jobs at once per stage on one machine, measured on 2 cores (docs/benchmarks.md): a recording is one
 * Chromium in real time (about one per core), an encode uses every core, a voice model is loaded once per
 * worker process (Kokoro: about 0.5 GB), planning and storage wait on the network.
 */
export const DEFAULT_CONCURRENCY: Record<StageName, number> = {
  parse: 4,
  tts: 1,
  record: Math.max(1, Math.floor(os.availableParallelism() / 2)),
  merge: 1,
  storage: 4,
};

/** Running workers of one process. */
export interface Workers {
  /** Stop taking jobs; wait for the jobs in hand to finish (give `force` to hand them back at once instead). */
  close(force?: boolean): Promise<void>;
  readonly workers: readonly Worker[];
}

/**
 * Start BullMQ workers for some stages with this config. Each job: read the run, skip it if the run
 * moved on (cancelled, done, not approved), pull the stage's inputs, run the stage under a new lease
 * (record also runs the voice beside it when it has not spoken yet, and the merge when the config encodes while recording and this worker merges too), push its files, commit, then
 * enqueue what comes next. A record job that hits a failed step keeps the browser open and waits for
 * `queue.answer()`. A job BullMQ gives up on (it stalled too often) fails its stage, so no run waits forever.
 */
export async function startWorkers(queue: RunQueue, config: ResolvedConfig, options: WorkerOptions = {}): Promise<Workers> {
  const stages = options.stages ?? [...STAGES];
  const files = options.files ?? config.files ?? dirFiles(queue.runsDir);
  const log = options.log ?? ((e: LogEntry) => e.level === 'warn' && process.stderr.write(`[${e.plugin}] ${e.message}\n`));
  const active = new Map<string, AbortController>();
  const cancels = duplicate(queue.redis);
  await cancels.subscribe(queue.keys.cancels);
  cancels.on('message', (_channel: string, runId: string) => active.get(runId)?.abort());

  const work = async (job: Job<{ runId: string; stage: StageName }>) => {
    const { runId, stage } = job.data;
    const run = await queue.read(runId).catch(() => undefined);
    if (!run) return { skipped: 'no such run' };
    const { state, outputs } = run;
    if (state.status === 'cancelled') return { skipped: 'cancelled' };
    if (stage !== 'parse' && !isApproved(state)) return { skipped: 'not approved' };
    // A done stage is skipped (a duplicate job), except tts when steps replaced during the recording
    // still need their clips: the run asks for tts again then (nextStep), and only this job gives them.
    const again = stage === 'tts' && needsStage(run, 'tts');
    if (outputs[stage] && state.stages[stage]?.status === 'done' && !again) return { skipped: 'already done' };
    const controller = new AbortController();
    active.set(runId, controller);
    const untrusted = (await queue.redis.hget(queue.keys.meta(runId), 'trust')) === 'untrusted';
    try {
      await runStages(
        config,
        queue.runDir(runId),
        jobStages(stage, !outputs.tts, config.encodeWhileRecording && stages.includes('merge')),
        {
          store: queue.store,
          files,
          signal: controller.signal,
          log,
          plugins: [publisher(queue.redis, queue.keys, runId)],
          decide: redisDecider(queue.redis, queue.keys, runId),
          trust: untrusted ? 'untrusted' : undefined,
        },
      );
    } catch (err) {
      // A usage error (bad demo, missing slot) or a superseded attempt won't go better on another try.
      if (isShowrunnerError(err) && (err.isUsage || err.code === 'SR_LEASE_LOST' || err.code === 'SR_ABORTED')) {
        throw new UnrecoverableError(`${err.code}: ${err.message}`);
      }
      throw err;
    } finally {
      active.delete(runId);
      await queue.advance(runId);
    }
    return { done: stage };
  };

  const connections: Redis[] = [];
  const workers = stages.map((stage) => {
    const connection = duplicate(queue.redis);
    connections.push(connection);
    const worker = new Worker(stage, work, {
      connection,
      prefix: queue.keys.prefix,
      concurrency: options.concurrency?.[stage] ?? DEFAULT_CONCURRENCY[stage],
      lockDuration: options.lockDurationMs ?? 10_000,
      stalledInterval: options.stalledIntervalMs ?? 5_000,
      maxStalledCount: options.maxStalledCount ?? 3,
    });
    worker.on('failed', (job, err) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      // The job is over for BullMQ; if its stage still says running (its worker died), say it failed.
      const error = { code: 'SR_STAGE_FAILED', message: `The ${stage} job of run ${job.data.runId} failed: ${err.message}` };
      void abandonStage(queue.runDir(job.data.runId), stage, error, { store: queue.store })
        .then(() => queue.advance(job.data.runId))
        .catch(() => {});
    });
    worker.on('error', (err) => log({ level: 'warn', message: `worker ${stage}: ${err.message}`, plugin: 'showrunner:queue' }));
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  return {
    workers,
    async close(force = false) {
      await Promise.all(workers.map((w) => w.close(force)));
      cancels.disconnect();
      for (const c of connections) c.disconnect();
      for (const plugin of config.plugins) await ('close' in plugin ? plugin.close?.() : undefined)?.catch(() => {});
    },
  };
}

/**
 * The stages one job runs: record also runs the voice when it has not spoken yet, and the merge when the
 * config encodes while recording and this worker also works on merges (the same code path as the CLI's;
 * the merge job then finds it done). A recorder that does not merge keeps the old order: the merge job
 * encodes after the recording, on whichever worker takes it.
 */
function jobStages(stage: StageName, voiceMissing: boolean, encodeWhileRecording: boolean): StageName[] {
  if (stage !== 'record') return [stage];
  return [...(voiceMissing ? (['tts'] as const) : []), 'record', ...(encodeWhileRecording ? (['merge'] as const) : [])];
}
