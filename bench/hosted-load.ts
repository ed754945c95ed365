// `npm run bench:hosted`: figures for "The hosted app under load" in docs/benchmarks.md. Bounded and
// loopback only: it starts its own hosted deployment (database sr_load_<random>, its own Redis prefix,
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
import { type Deployment, deleteKeys, startDeployment } from '../apps/hosted/e2e/harness/deployment.js';
import type { DemoEvent } from '../apps/hosted/src/pipeline/types.js';
import { type Read, readDashboard, type SubscriberRecord, sampleConnections, subscribe } from './hosted-clients.js';
import { groupMembers, type Journey, journey, processTree, waitForLine } from './hosted-journey.js';
import { sampleMemory } from './proc.mjs';
import { load, percentile, sleep } from './queue-harness.js';

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
const log = (line: string) => void process.stderr.write(`${line}\n`);
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

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
let deployment: Deployment | undefined;
let ok = false;
try {
  log(`starting the deployment (${values['reuse-build'] ? 'reusing .next-load' : 'next build first'}; logs in ${logDir})`);
  deployment = await startDeployment({ name: 'load', logDir, distDir: '.next-load', build: !values['reuse-build'] });
  stop.signal.throwIfAborted();
  console.log(await measure(deployment, stop.signal));
  ok = true;
} catch (err) {
  log(`hosted load bench failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  clearTimeout(limit);
  if (deployment) {
    await deployment.teardown();
    const left = await deleteKeys(deployment.prefix);
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [deployment.database]);
    await admin.end();
    const alive = [deployment.web, deployment.worker].flatMap((p) => groupMembers(p.child.pid!));
    log(
      `cleaned up: database ${deployment.database} ${rowCount ? 'STILL THERE' : 'dropped'}, Redis keys left under ${deployment.prefix}: ${left}, processes left: ${alive.length}`,
    );
  }
  if (ok) await rm(logDir, { recursive: true, force: true });
  else log(`logs kept in ${logDir}`);
}

/** The measured part, on a running deployment; returns the markdown tables. Stops its clients and samplers whatever happens. */
async function measure(d: Deployment, signal: AbortSignal): Promise<string> {
  await waitForLine(path.join(logDir, 'worker.log'), 'worker ready', 120_000, signal);
  const web = processTree(d.web.child.pid!, /^next-server/);
  const worker = processTree(d.worker.child.pid!, /src\/worker\.ts/);
  const memory = { web: sampleMemory(web.root), worker: sampleMemory(worker.root) };
  const db = new pg.Client({ connectionString: d.databaseUrl });
  db.on('error', (err) => log(`bench's database connection: ${err.message}`));
  await db.connect();
  const connections = sampleConnections(db, d.database, { web: web.pids, worker: worker.pids });
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
      clients.push(readDashboard(d.baseUrl, users[i % DEMOS]!.cookie, Number(values['think-ms']), loadStop.signal, reads));
    await Promise.race([Promise.all(subscribers.map((s) => s.opened)), aborted(signal)]);
    log(`${SUBSCRIBERS} subscribers connected, ${READERS} readers reading (load ${load()}); confirming each demo at review`);

    const loadStartedAt = Date.now();
    await Promise.all(journeys.map((j) => j.run(signal, log)));
    await sleep(3000); // the last events reach every subscriber
    const loadSeconds = (Date.now() - loadStartedAt) / 1000;
    const loadAtEnd = load();
    loadStop.abort();
    await Promise.all(clients);
    const peaks = { web: memory.web.stop(), worker: memory.worker.stop(), db: await connections.stop() };
    const { rows } = await db.query<{ id: string; demo_id: string }>('select id, demo_id from demo_events order by id');
    const events = new Map<string, number[]>();
    for (const r of rows) events.set(r.demo_id, [...(events.get(r.demo_id) ?? []), Number(r.id)]);
    return report({ journeys, records: subscribers.map((s) => s.record), reads, events, peaks, loadSeconds, loadAtEnd });
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

/** Every event of the subscriber's demo after its start must arrive once, in id order: the events it missed and those out of order. */
function gaps(record: SubscriberRecord, all: number[]): { missing: number; disorder: number } {
  const got = new Set(record.ids);
  const missing = all.filter((id) => id > record.after && !got.has(id)).length;
  const disorder = record.ids.filter((id, i) => i > 0 && id <= record.ids[i - 1]!).length;
  return { missing, disorder };
}

function report(r: {
  journeys: Journey[];
  records: SubscriberRecord[];
  reads: Read[];
  events: Map<string, number[]>;
  peaks: {
    web: { pss: number; rss: number };
    worker: { pss: number; rss: number };
    db: Awaited<ReturnType<ReturnType<typeof sampleConnections>['stop']>>;
  };
  loadSeconds: number;
  loadAtEnd: string;
}): string {
  const ms = (xs: number[]) =>
    xs.length
      ? `${xs.length} | **${Math.round(percentile(xs, 50))}** | ${Math.round(percentile(xs, 99))} | ${Math.round(Math.max(...xs))}`
      : '0 | – | – | –';
  const live = r.records.flatMap((s) => s.live);
  const ofKind = (kind: Read['kind']) => r.reads.filter((x) => x.kind === kind && !x.error).map((x) => x.ms);
  const found = r.records.map((s) => gaps(s, r.events.get(s.demoId) ?? []));
  const readErrors = r.reads.filter((x) => x.error);
  const sseErrors = r.records.flatMap((s) => s.errors);
  const journeyErrors = r.journeys.flatMap((j) => j.errors);
  const sample = [...readErrors.map((x) => x.error), ...sseErrors, ...journeyErrors].slice(0, 5);
  const { db } = r.peaks;
  const sec = (a?: number, b?: number) => (a !== undefined && b !== undefined ? ((b - a) / 1000).toFixed(1) : '–');
  const rows = r.journeys.map((j, i) => {
    const t = j.times;
    const ratio = t.playable && t.confirm && j.videoMs ? `**${((t.playable - t.confirm) / j.videoMs).toFixed(2)}×**` : '–';
    return `| ${i + 1} | ${j.stepCount} | ${j.status} | ${sec(0, j.videoMs)} | ${sec(t.confirm, t.recordStart)} | ${sec(t.confirm, t.done)} | ${sec(t.confirm, t.playable)} | ${ratio} |`;
  });
  return [
    `### The hosted app under load (${availableParallelism()} cores; load average ${loadAtStart} at the start, ${r.loadAtEnd} at the end, peak 1-min ${r.peaks.db.load1})\n`,
    `${DEMOS} demos recorded by one worker process while ${SUBSCRIBERS} SSE subscribers and ${READERS} dashboard readers (think time ${values['think-ms']} ms ± 50 %) ran for ${r.loadSeconds.toFixed(0)} s.\n`,
    '| measured | n | p50 ms | p99 ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    `| status event: the hook's \`at\` → each subscriber | ${ms(live.filter((x) => x.type === 'status').map((x) => x.ms))} |`,
    `| every live event (status, step, progress, steps) | ${ms(live.map((x) => x.ms))} |`,
    `| GET /dashboard (HTML) | ${ms(ofKind('dashboard HTML'))} |`,
    `| GET /api/demos (JSON) | ${ms(ofKind('api/demos JSON'))} |`,
    '',
    '| errors | count |',
    '| --- | --- |',
    `| dashboard reads not 2xx (or not the page) | ${readErrors.length} of ${r.reads.length} |`,
    `| SSE: connects refused or failed / streams dropped | ${sseErrors.length} / ${r.records.reduce((a, s) => a + s.drops, 0)} |`,
    `| SSE: events missing / out of order (over ${r.records.length} subscribers, ${r.records.reduce((a, s) => a + s.ids.length, 0)} deliveries, ${r.records.reduce((a, s) => a + s.replayed, 0)} of them replayed) | ${found.reduce((a, g) => a + g.missing, 0)} / ${found.reduce((a, g) => a + g.disorder, 0)} |`,
    `| the demos' own API calls not 2xx, or runs not done | ${journeyErrors.length} |`,
    ...(sample.length ? [`\nFirst errors: ${sample.join('; ')}\n`] : ['']),
    '| resources (peak) | figure |',
    '| --- | --- |',
    `| Postgres connections to the load database (sampled every 500 ms, ${db.samples} samples) | ${db.total} in all (web server ${db.by.web ?? 0}, worker ${db.by.worker ?? 0}, other ${db.by.other ?? 0}); ${db.active} running a query at once; **${db.listen} LISTEN** |`,
    `| memory of the web server (next-server), PSS / RSS MiB | ${mib(r.peaks.web.pss)} / ${mib(r.peaks.web.rss)} |`,
    `| memory of the worker (node + Chromium + ffmpeg), PSS / RSS MiB | ${mib(r.peaks.worker.pss)} / ${mib(r.peaks.worker.rss)} |`,
    '',
    '| demo | steps | status | video s | confirm → recording starts, s | confirm → done, s | confirm → playable share link, s | ÷ video |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
