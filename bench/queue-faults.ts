// `npm run faults:queue`: the queue's fault figures (docs/reliability.md), from real worker processes
// (`showrunner worker` with the repository's config: eSpeak, Playwright + Chromium, ffmpeg) recording
// the first 6 steps of the tour on the example app:
//   kill   the worker holding a recording is SIGKILLed at step 3, `--kills` times; a new worker starts;
//   redis  a private durable Redis is restarted mid-recording, for longer than a job's lock, and between stages;
//   fail   a stage that always fails (a start page on a closed port; a merge plugin that throws).
// Usage: npm run faults:queue [-- --kills 10 --only kill,redis,fail]. Not a test: it prints figures.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Demo, parseDemo, type RunState, STAGES } from '@showrunner/core';
import { type RunEvent, RunQueue } from '@showrunner/queue';
import { startExampleServer } from '../examples/server.mjs';
import {
  cliWorker,
  dropPrefix,
  freePort,
  jobStates,
  load,
  MACHINE_REDIS,
  median,
  oneAttemptEach,
  ROOT,
  repoConfig,
  s,
  settled,
  startRedis,
  type WorkerProc,
  watch,
} from './queue-harness.js';

const { values } = parseArgs({
  options: { kills: { type: 'string', default: '10' }, only: { type: 'string', default: 'kill,redis,fail' } },
});
const only = new Set(values.only.split(','));
const log = (line: string) => void process.stderr.write(`${line}\n`);
const tour = JSON.parse(await readFile(path.join(ROOT, 'examples/tour.demo.json'), 'utf8'));
const server = await startExampleServer();
/** The tour's first 6 steps (about 20 s of video) with an absolute start URL, as a submitter sends it. */
const shortDemo = (base: string = server.url): Demo =>
  parseDemo({ ...tour, url: new URL(tour.url, base).href, steps: tour.steps.slice(0, 6) }, 'tour (6 steps)');
const atStep = (n: number) => (e: RunEvent) => e.hook === 'onStepStart' && Number(e.event.index) === n - 1;
const stagesOf = (state: RunState) =>
  STAGES.filter((st) => state.stages[st])
    .map((st) => `${st} ${state.stages[st]!.status}`)
    .join(', ');
const attemptsOf = (state: RunState) =>
  STAGES.filter((st) => state.attempts[st])
    .map((st) => `${st} ${state.attempts[st]}`)
    .join(', ');

/**
 * A queue under a fresh prefix, a temp runs folder shared by its workers, and `showrunner worker`
 * processes; with `supervise`, a worker that exits on its own is replaced at once (as systemd would).
 */
async function deployment(redisUrl: string, overrides = '', head = '', supervise = false) {
  const dir = await mkdtemp(path.join(tmpdir(), 'sr-faults-'));
  const config = await repoConfig(dir, overrides, head);
  const prefix = `sr-faults-${path.basename(dir).slice(-6).toLowerCase()}`;
  const queue = RunQueue.connect({ redis: redisUrl, prefix, runsDir: path.join(dir, 'runs') });
  const env = { SHOWRUNNER_CACHE_DIR: path.join(dir, 'cache') };
  const workers: WorkerProc[] = [];
  const crashed = new Set<WorkerProc>();
  let closing = false;
  const start = () => {
    const w = cliWorker(`worker ${workers.length + 1}`, config, ['--queue', redisUrl, '--prefix', prefix], env);
    workers.push(w);
    if (supervise)
      void w.exited.then(() => {
        if (closing) return;
        crashed.add(w);
        start();
      });
    return w;
  };
  return {
    queue,
    started: () => workers.length,
    alive: () => workers.filter((w) => !crashed.has(w)),
    start,
    crash(w: WorkerProc) {
      crashed.add(w);
      w.crash();
    },
    async close(drop = true) {
      closing = true;
      await Promise.all(workers.map((w) => w.stop()));
      if (drop) log(`  dropped ${await dropPrefix(queue)} keys under ${prefix}`);
      await queue.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const tables: string[] = [];

if (only.has('kill')) {
  const count = Number(values.kills);
  log(`\n## SIGKILL mid-recording × ${count} (load ${load()})`);
  const d = await deployment(MACHINE_REDIS);
  await Promise.all([d.start().ready, d.start().ready]);
  const rows: string[] = [];
  const pickups: number[] = [];
  const completions: number[] = [];
  let complete = 0;
  let clean = 0;
  for (let i = 1; i <= count; i++) {
    await Promise.all(d.alive().map((w) => w.ready));
    const runId = await d.queue.submit({ demo: shortDemo() });
    let killedAt = 0;
    let victim: WorkerProc | undefined;
    const end = await watch(d.queue, runId, (e) => {
      if (killedAt || !atStep(3)(e)) return;
      victim = d.alive().find((w) => w.holding.has(`${runId} record`));
      if (!victim) return log(`  run ${i}: no worker says it holds the record job`);
      killedAt = Date.now();
      d.crash(victim);
      d.start();
    });
    const orphans = victim ? await victim.reap() : 0;
    const run = await d.queue.read(runId);
    const restartedAt = Date.parse(run.state.stages.record?.startedAt ?? '');
    const pickedBy = d.alive().find((w) => w.took.some((t) => t.job === `${runId} record` && t.at >= killedAt))?.name ?? '?';
    const problems = await oneAttemptEach(run);
    const { left } = await settled(d.queue, runId, STAGES, 2_000);
    const pickup = restartedAt - killedAt;
    const toDone = end.at - killedAt;
    if (end.status === 'done') complete++;
    if (killedAt && end.status === 'done') {
      pickups.push(pickup);
      completions.push(toDone);
    }
    if (!problems.length && !left.length) clean++;
    const jobs = (await jobStates(d.queue, runId, STAGES)).join(', ');
    rows.push(
      `| ${i} | ${victim?.name ?? 'none'} → ${pickedBy} | ${s(pickup)} | ${s(toDone)} | ${end.status} | ${attemptsOf(run.state)} | ${problems.join('; ') || 'yes'} | ${left.join(', ') || 'none'} | ${orphans} |`,
    );
    log(
      `  run ${i} ${runId}: killed ${victim?.name} at step 3, record restarted on ${pickedBy} after ${s(pickup)} s, ` +
        `${end.status} ${s(toDone)} s after the kill; attempts ${attemptsOf(run.state)}; jobs ${jobs}; ` +
        `one attempt each: ${problems.join('; ') || 'yes'}; left in queues: ${left.length}; orphans of the killed worker: ${orphans}`,
    );
  }
  await d.close();
  tables.push(
    `### SIGKILL of the worker holding the recording, at step 3 of 6 (${count} runs; load at the end ${load()})\n`,
    '| run | killed → restarted on | kill → record restarted, s | kill → run done, s | status | attempts started | one attempt each | jobs left waiting/active/delayed | processes left by the killed worker |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    `\n**${complete}/${count} runs done**, ${clean}/${count} with every stage's output from exactly one attempt and no job left; ` +
      `kill → record restarted: median ${s(median(pickups))} s, max ${s(Math.max(...pickups))} s (goal ≤ 15 s); ` +
      `kill → run done: median ${s(median(completions))} s, max ${s(Math.max(...completions))} s.\n`,
  );
}

if (only.has('redis')) {
  log(`\n## Redis restarted mid-run (load ${load()})`);
  const dir = await mkdtemp(path.join(tmpdir(), 'sr-faults-redis-'));
  const redis = await startRedis(dir);
  const d = await deployment(redis.url);
  await Promise.all([d.start().ready, d.start().ready]);
  const recordDone = (e: RunEvent) => e.hook === 'onStatusChange' && e.event.stage === 'record' && e.event.status === 'done';
  const scenarios = [
    { name: 'at step 3 of the recording, down 1 s', when: atStep(3), downMs: 1_000 },
    { name: 'at step 3 of the recording, down 12 s (longer than the 10 s job lock)', when: atStep(3), downMs: 12_000 },
    { name: 'between stages (record committed, before merge), down 1 s', when: recordDone, downMs: 1_000 },
  ];
  const rows: string[] = [];
  for (const sc of scenarios) {
    const submitted = Date.now();
    const runId = await d.queue.submit({ demo: shortDemo() });
    let restart: Promise<void> | undefined;
    let at = 0;
    let during = '';
    const end = await watch(d.queue, runId, async (e) => {
      if (restart || !sc.when(e)) return;
      during = stagesOf((await d.queue.read(runId)).state);
      at = Date.now();
      restart = redis.restart(sc.downMs);
    });
    await restart;
    const run = await d.queue.read(runId);
    const problems = await oneAttemptEach(run);
    const atEnd = await settled(d.queue, runId, STAGES, 0);
    const later = await settled(d.queue, runId, STAGES, 40_000);
    const cleared = atEnd.left.length
      ? `${atEnd.left.join(', ')}; ${later.left.length ? 'still there' : 'none'} ${s(later.afterMs)} s later`
      : 'none';
    const jobs = await jobStates(d.queue, runId, STAGES);
    const said = d
      .alive()
      .flatMap((w) => w.lines.filter((l) => l.includes(runId) || /lock/i.test(l)).map((l) => `[${w.name}] ${l}`));
    rows.push(
      `| ${sc.name} | ${during} | ${end.status} | ${s(end.at - at)} | ${s(end.at - submitted)} | ${attemptsOf(run.state)} | ${problems.join('; ') || 'yes'} | ${cleared} |`,
    );
    log(
      `  ${sc.name}: ${end.status}; restart → done ${s(end.at - at)} s; attempts ${attemptsOf(run.state)}; jobs ${jobs.join(', ')}`,
    );
    for (const line of new Set(said)) log(`    ${line}`);
    for (const w of d.alive()) w.lines.length = 0;
  }
  await d.close(false);
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
  tables.push(
    `### Redis (private, \`--appendonly yes --appendfsync always\`) killed with SIGKILL and started again on the same port and dir (load at the end ${load()})\n`,
    '| restart | stages at the restart | status | restart → run done, s | submit → run done, s | attempts started | one attempt each | jobs left waiting/active/delayed at the end |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  );
}

if (only.has('fail')) {
  log(`\n## A stage that always fails (load ${load()})`);
  const rows: string[] = [];
  const closedPort = await freePort();
  const failing =
    // Core by path: a config in a temp folder has no node_modules to find it in (same module instance as the CLI's).
    `import { definePlugin, ShowrunnerError } from ${JSON.stringify(path.join(ROOT, 'packages/core/dist/index.js'))};\n` +
    "const failingMerge = definePlugin({ name: 'bench:failing-merge', stage: 'merge', async run() {\n" +
    "  throw new ShowrunnerError('SR_FFMPEG_FAILED', 'bench: this merge always fails');\n} });";
  const poison =
    "const poisonMerge = { name: 'bench:poison-merge', stage: 'merge', async run() {\n" +
    "  process.kill(process.pid, 'SIGKILL');\n  await new Promise(() => {});\n} };";
  const cases = [
    { name: `start page on a closed port (127.0.0.1:${closedPort})`, stage: 'record' as const, overrides: '', head: '' },
    { name: 'a merge plugin that always throws', stage: 'merge' as const, overrides: 'merge: failingMerge', head: failing },
    {
      name: 'a merge that kills its worker (SIGKILL) every time; workers restarted by a supervisor',
      stage: 'merge' as const,
      overrides: 'merge: poisonMerge as never',
      head: poison,
    },
  ];
  for (const c of cases) {
    const d = await deployment(MACHINE_REDIS, c.overrides, c.head, c.head === poison);
    await Promise.all([d.start().ready, d.start().ready]);
    const submitted = Date.now();
    const demo = c.stage === 'record' ? shortDemo(`http://127.0.0.1:${closedPort}/`) : shortDemo();
    const runId = await d.queue.submit({ demo });
    const end = await watch(d.queue, runId);
    const run = await d.queue.read(runId);
    const stageStart = Date.parse(run.state.stages[c.stage]?.startedAt ?? '');
    const { left } = await settled(d.queue, runId, STAGES, 2_000);
    const jobs = await jobStates(d.queue, runId, STAGES);
    rows.push(
      `| ${c.name} | ${end.status} | ${run.state.error?.code ?? '-'} | ${end.at - stageStart} | ${s(end.at - submitted)} | ${attemptsOf(run.state)} | ${jobs.join(', ')} | ${left.join(', ') || 'none'} |`,
    );
    log(
      `  ${c.name}: ${end.status} ${run.state.error?.code}: ${run.state.error?.message?.split('\n')[0]}; jobs ${jobs.join(', ')}; ` +
        `worker processes started: ${d.started()}`,
    );
    await d.close();
  }
  tables.push(
    `### A stage that always fails (load at the end ${load()})\n`,
    '| failure | status | code | stage start → run failed, ms | submit → run failed, s | attempts started | jobs of the run | jobs left waiting/active/delayed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  );
}

await server.close();
console.log(`\n${tables.join('\n')}`);
