import type { LogEntry } from '@showrunner/core';
import { startWorkers } from '@showrunner/queue';
import { startHousekeeping } from './billing/housekeeping';
import { closeDb, pool } from './db/client';
import { redactDbUrl } from './db/migrate';
import { dataDirs, env } from './env';
import { hostedConfig } from './pipeline/config';
import { closeQueue, queue } from './pipeline/queue';
import { statusHook } from './pipeline/status-hook';

// `npm run worker -w apps/hosted`: @showrunner/queue workers with the hosted pipeline
// (showrunner.config.ts) and the status hook that writes each run's progress to Postgres, plus the
// housekeeping queue's retention sweep (every RETENTION_SWEEP_EVERY_MS). Stops like
// `showrunner worker`: the first SIGTERM/SIGINT takes no new jobs and lets the ones in hand finish (up
// to WORKER_GRACE_SECONDS); a second signal, or the grace running out, hands them back to the queue.

const print = (line: string) => process.stdout.write(`${line}\n`);
const log = (e: LogEntry) => {
  if (e.level === 'warn') process.stderr.write(`[${e.plugin}] ${e.code ? `${e.code} ` : ''}${e.message}\n`);
};

async function main(): Promise<void> {
  const e = env();
  try {
    await pool().query('select 1');
  } catch (err) {
    throw new Error(
      `Cannot reach Postgres at DATABASE_URL=${redactDbUrl(e.DATABASE_URL)}: ${(err as Error).message}. ` +
        'Start it (`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) and run `npm run migrate -w apps/hosted`.',
    );
  }
  const config = await hostedConfig([statusHook()]);
  const q = queue();
  const slow = setTimeout(
    () =>
      print(
        `waiting for Redis at REDIS_URL=${e.REDIS_URL} (start it with \`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\`)`,
      ),
    5_000,
  );
  const workers = await startWorkers(q, config, { stages: e.WORKER_STAGES, log });
  clearTimeout(slow);
  for (const w of workers.workers) {
    w.on('active', (job) => print(`… ${job.data.runId} ${w.name}`));
    w.on('completed', (job, result: { skipped?: string }) =>
      print(`${result?.skipped ? '·' : '✓'} ${job.data.runId} ${w.name}${result?.skipped ? ` skipped (${result.skipped})` : ''}`),
    );
    w.on('failed', (job, err) => job && print(`✖ ${job.data.runId} ${w.name}: ${err.message.split('\n')[0]}`));
  }
  const housekeeping = await startHousekeeping({
    onSweep: (r) =>
      r.expired + r.granted && print(`housekeeping: ${r.expired} expired, ${r.granted} free grants, ${r.continued} continued`),
  });
  const stages = workers.workers.map((w) => w.name).join(', ');
  print(
    `worker ready: ${stages} on ${q.keys.prefix} (runs in ${dataDirs().runs}; planner ${config.slots.parse.name}, voice ${config.slots.tts?.name})`,
  );

  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  const grace = e.WORKER_GRACE_SECONDS * 1000;
  print(`stopping: finishing the jobs in hand (up to ${grace / 1000} s; signal again to hand them back now)`);
  const force = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, grace);
    timer.unref();
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await Promise.race([workers.close(), force.then(() => workers.close(true))]);
  await housekeeping.close();
  await closeQueue();
  await closeDb();
  print('worker stopped');
}

main().catch((err: Error & { code?: string }) => {
  process.stderr.write(`${err.code === 'SR_ENV_INVALID' || !err.stack ? err.message : err.stack}\n`);
  process.exit(1);
});
