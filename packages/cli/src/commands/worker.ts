import { type LogEntry, type ResolvedConfig, ShowrunnerError, STAGES, type StageName } from '@showrunner/core';
import { loadQueue } from '../load/queue.js';
import { clean } from '../ui/clean.js';

/** Flags of `showrunner worker`. */
export interface WorkerFlags {
  stages?: string;
  concurrency?: string;
  queue?: string;
  prefix?: string;
  /** Seconds to let jobs in hand finish after the first SIGTERM/SIGINT before handing them back. */
  grace?: string;
  verbose?: boolean;
}

/** Parse `--stages record,merge` into stage names, or SR_USAGE naming the unknown one. */
export function parseStages(list: string | undefined): StageName[] {
  if (!list) return [...STAGES];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(STAGES as readonly string[]).includes(name)) {
      throw new ShowrunnerError('SR_USAGE', `--stages: unknown stage "${name}"`, { hint: `Stages: ${STAGES.join(', ')}.` });
    }
  }
  return names as StageName[];
}

/**
 * `showrunner worker`: work on some stages' queues with this config until told to stop. The first
 * SIGTERM or SIGINT stops taking jobs and lets the ones in hand finish (up to `--grace` seconds); the
 * second, or the grace running out, hands them back (another worker picks them up when their lock
 * lapses). Resolves when the workers are closed.
 */
export async function worker(
  config: ResolvedConfig,
  flags: WorkerFlags,
  signal: AbortSignal,
  print: (line: string) => void,
): Promise<void> {
  const stages = parseStages(flags.stages);
  const n = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 64)) {
    throw new ShowrunnerError('SR_USAGE', `--concurrency must be a whole number from 1 to 64, got "${flags.concurrency}"`);
  }
  const log = (e: LogEntry) => {
    if (e.level === 'warn' || flags.verbose)
      process.stderr.write(`${clean(`[${e.plugin}] ${e.code ? `${e.code} ` : ''}${e.message}`)}\n`);
  };
  const { RunQueue, startWorkers } = await loadQueue();
  const queue = RunQueue.connect({ redis: flags.queue, prefix: flags.prefix, runsDir: config.runsDir });
  const concurrency = n === undefined ? undefined : Object.fromEntries(stages.map((s) => [s, n]));
  const workers = await startWorkers(queue, config, { stages, concurrency, log });
  for (const w of workers.workers) {
    w.on('active', (job) => print(`… ${job.data.runId} ${w.name}`));
    w.on('completed', (job, result: { skipped?: string }) =>
      print(`${result?.skipped ? '·' : '✓'} ${job.data.runId} ${w.name}${result?.skipped ? ` skipped (${result.skipped})` : ''}`),
    );
    w.on('failed', (job, err) => job && print(clean(`✖ ${job.data.runId} ${w.name}: ${err.message.split('\n')[0]}`)));
  }
  print(`worker ready: ${stages.join(', ')} on ${queue.keys.prefix} (runs in ${config.runsDir})`);

  await new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  const grace = Number(flags.grace ?? 60) * 1000;
  print(`stopping: finishing the jobs in hand (up to ${grace / 1000} s; press Ctrl-C again to hand them back now)`);
  const force = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, grace);
    timer.unref();
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await Promise.race([workers.close(), force.then(() => workers.close(true))]);
  await queue.close();
  print('worker stopped');
}
