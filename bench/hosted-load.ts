// `npm run bench:hosted`: figures for "The hosted app under load" in docs/benchmarks.md. Bounded and
// loopback only: it starts its own hosted stack (database sr_load_<random>, its own Redis prefix,
// `next build` into apps/hosted/.next-load + `next start`, one worker process, the examples app), then
// 4 users each create a demo through the API and confirm it as soon as it reaches review, while 200 SSE
// subscribers (spread over the 4 demos, each with its owner's session) and 50 dashboard readers load the
// web server until the 4 demos have a playable share link. It prints markdown tables and stops everything
// it started, drops the database and deletes its Redis keys, also on a failure, a timeout or Ctrl-C.
// Usage: npm run bench:hosted [-- --demos 4 --subscribers 200 --readers 50 --think-ms 500 --timeout-min 30 --reuse-build]
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sessionCookies } from '../apps/hosted/e2e/harness/clerk.js';
import { deleteKeys, type Stack, startStack } from '../apps/hosted/e2e/harness/stack.js';
import type { DemoEvent } from '../apps/hosted/src/pipeline/types.js';
import { type Read, readDashboard, sampleConnections, subscribe } from './hosted-clients.js';
import { type Journey, journey } from './hosted-journey.js';
import { groupMembers, machineCpuSeconds, processTree, sampleCpu, waitForLine } from './hosted-procs.js';
import { report } from './hosted-report.js';
import { sampleMemory } from './proc.mjs';
import { load, sleep } from './queue-harness.js';

const { values } = parseArgs({
  options: {
    demos: { type: 'string', default: '4' },
    subscribers: { type: 'string', default: '200' },
    readers: { type: 'string', default: '50' },
    'think-ms': { type: 'string', default: '500' },
    'timeout-min': { type: 'string', default: '30' },
    'reuse-build': { type: 'boolean', default: false },
  },
});
const DEMOS = Number(values.demos);
const SUBSCRIBERS = Number(values.subscribers);
const READERS = Number(values.readers);
const THINK_MS = Number(values['think-ms']);
const log = (line: string) => void process.stderr.write(`${line}\n`);

// What the 4 users ask for, in the script parser's syntax (no planner key): the examples app's pages.
const DESCRIPTIONS = [
  [
    'Type "ada@example.com" into the "Email" field — Start with your work email address.',
    'Type "orbit-demo-password" into the "Password" field — Then your password.',
    'Click the "Sign in" button — Sign in to see your projects.',
  ],
  [
    'Go to /settings.html — Open your settings.',
    'Select "Dark" from the "Theme" menu — Pick a theme that is easy on the eyes.',
    'Check the "Email me a weekly summary" checkbox — Get a summary of your week by email.',
    'Click the "Save changes" button — Then save your changes.',
  ],
  [
    'Go to /dashboard.html — Here are your projects.',
    'Hover over "Website redesign" — Hover over a project to see how far along it is.',
    'Click the "New project" button — Start something new.',
    'Type "Launch checklist" into the "Project name" field — Give it a name you will recognise.',
    'Press Enter — It appears at the top of your list.',
  ],
  [
    'Go to /changelog.html — The changelog lists every release.',
    'Scroll down 600 pixels — Scroll to read what changed.',
    'Scroll to the bottom of the page — The oldest releases are at the bottom.',
  ],
].map((lines, i) => `Title: Load demo ${i + 1}\n${lines.join('\n')}`);

const stop = new AbortController(); // Ctrl-C, SIGTERM or the time limit: everything winds down and cleans up
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping and cleaning up (a build in progress finishes first)`);
    stop.abort(new Error(`stopped by ${signal}`));
  });
}
const limit = setTimeout(
  () => stop.abort(new Error(`time limit of ${values['timeout-min']} min reached`)),
  Number(values['timeout-min']) * 60_000,
);

const loadAtStart = load();
log(`hosted load bench: ${availableParallelism()} cores, load average ${loadAtStart}`);
const logDir = await mkdtemp(path.join(tmpdir(), 'sr-load-logs-'));
let stack: Stack | undefined;
let ok = false;
try {
  log(`starting the stack (${values['reuse-build'] ? 'reusing .next-load' : 'next build first'}; logs in ${logDir})`);
  stack = await startStack({ name: 'load', logDir, distDir: '.next-load', build: !values['reuse-build'] });
  stop.signal.throwIfAborted();
  console.log(await measure(stack, stop.signal));
  ok = true;
} catch (err) {
  log(`hosted load bench failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  clearTimeout(limit);
  if (stack) {
    await stack.teardown();
    const left = await deleteKeys(stack.prefix);
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [stack.database]);
    await admin.end();
    let alive = [stack.web, stack.worker].flatMap((p) => groupMembers(p.child.pid!));
    for (let i = 0; i < 20 && alive.length; i++) {
      await sleep(250); // SIGKILLed processes take a moment to leave /proc
      alive = [stack.web, stack.worker].flatMap((p) => groupMembers(p.child.pid!));
    }
    log(
      `cleaned up: database ${stack.database} ${rowCount ? 'STILL THERE' : 'dropped'}, Redis keys left under ${stack.prefix}: ${left}, processes left: ${alive.length}`,
    );
  }
  if (ok) await rm(logDir, { recursive: true, force: true });
  else log(`logs kept in ${logDir}`);
}

/** The measured part, on a running deployment; returns the markdown tables. Stops its clients and samplers whatever happens. */
async function measure(d: Stack, signal: AbortSignal): Promise<string> {
  await waitForLine(path.join(logDir, 'worker.log'), 'worker ready', 120_000, signal);
  const web = processTree(d.web.child.pid!, /^next-server/);
  const worker = processTree(d.worker.child.pid!, /src\/worker\.ts/);
  // Every second, not proc.mjs's 100 ms: the kernel walks every page table of Chromium's processes for
  // each PSS sample (tens of ms), on the 2 cores being measured.
  const memory = { web: sampleMemory(web.root, 1000), worker: sampleMemory(worker.root, 1000) };
  const db = new pg.Client({ connectionString: d.databaseUrl });
  db.on('error', (err) => log(`bench's database connection: ${err.message}`));
  await db.connect();
  // The bench's own LISTEN (on the sampling connection, which the sampler leaves out of its counts):
  // when Postgres delivered each event's NOTIFY, to split the latency into database and web server.
  const notified = new Map<number, number>();
  db.on('notification', (msg) => {
    const { id } = JSON.parse(msg.payload ?? '{}') as { id?: number };
    if (typeof id === 'number' && !notified.has(id)) notified.set(id, Date.now());
  });
  await db.query('LISTEN showrunner_events');
  // Only the node processes hold database connections (not Chromium or ffmpeg under the worker).
  const connections = sampleConnections(db, d.database, { web: () => [web.root], worker: () => [worker.root] });
  const loadStop = new AbortController(); // ends the subscribers and readers
  const stopLoad = () => loadStop.abort();
  signal.addEventListener('abort', stopLoad, { once: true });
  const clients: Promise<void>[] = [];
  try {
    const rand = Math.random().toString(36).slice(2, 8);
    const users = await Promise.all(
      Array.from({ length: DEMOS }, async (_, i) => {
        const id = `user_load_${i + 1}_${rand}`;
        const cookies = await sessionCookies(d.keys.privatePem, id, d.baseUrl);
        return { id, cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
      }),
    );
    log(`creating ${DEMOS} demos`);
    const journeys: Journey[] = await Promise.all(
      users.map((u, i) =>
        journey(d.baseUrl, u.cookie, { url: d.exampleUrl, description: DESCRIPTIONS[i % DESCRIPTIONS.length]! }),
      ),
    );
    const seen = journeys.map(() => new Set<number>());
    const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => {
      const k = i % DEMOS;
      const j = journeys[k]!;
      return subscribe(
        d.baseUrl,
        { cookie: users[k]!.cookie },
        j.view.id,
        j.view.lastEventId,
        loadStop.signal,
        (e: DemoEvent) => {
          if (seen[k]!.has(e.id)) return; // the first subscriber to get an event tells the journey
          seen[k]!.add(e.id);
          j.onEvent(e);
        },
      );
    });
    clients.push(...subscribers.map((s) => s.ended));
    const reads: Read[] = [];
    for (let i = 0; i < READERS; i++)
      clients.push(readDashboard(d.baseUrl, users[i % DEMOS]!.cookie, THINK_MS, loadStop.signal, reads));
    await Promise.race([Promise.all(subscribers.map((s) => s.opened)), aborted(signal)]);
    log(`${SUBSCRIBERS} subscribers connected, ${READERS} readers reading (load ${load()}); confirming each demo at review`);

    const startedAt = Date.now();
    const benchCpu = () => (({ user, system }) => (user + system) / 1e6)(process.cpuUsage());
    const cpuAtStart = { bench: benchCpu(), machine: machineCpuSeconds() };
    // Postgres backends: those serving the load database at each sample (one per connection).
    const cpu = { web: sampleCpu(web.pids), worker: sampleCpu(worker.pids), postgres: sampleCpu(connections.backends) };
    await Promise.all(journeys.map((j) => j.run(signal, log)));
    await sleep(3000); // the last events reach every subscriber
    const cpuUsed = {
      web: cpu.web.stop(),
      worker: cpu.worker.stop(),
      postgres: cpu.postgres.stop(),
      bench: benchCpu() - cpuAtStart.bench,
      machine: machineCpuSeconds() - cpuAtStart.machine,
    };
    const seconds = (Date.now() - startedAt) / 1000;
    const loadAtEnd = load();
    loadStop.abort();
    await Promise.all(clients);
    const peaks = { web: memory.web.stop(), worker: memory.worker.stop(), db: await connections.stop() };
    const { rows } = await db.query<{ id: string; demo_id: string }>('select id, demo_id from demo_events order by id');
    const events = new Map<string, number[]>();
    for (const r of rows) events.set(r.demo_id, [...(events.get(r.demo_id) ?? []), Number(r.id)]);
    return report({
      settings: { cores: availableParallelism(), demos: DEMOS, subscribers: SUBSCRIBERS, readers: READERS, thinkMs: THINK_MS },
      journeys,
      records: subscribers.map((s) => s.record),
      reads,
      events,
      notified,
      peaks,
      cpu: cpuUsed,
      seconds,
      load: { start: loadAtStart, end: loadAtEnd },
    });
  } finally {
    loadStop.abort();
    signal.removeEventListener('abort', stopLoad);
    await Promise.all(clients);
    memory.web.stop();
    memory.worker.stop();
    await connections.stop().catch(() => {});
    await db.end().catch(() => {});
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
