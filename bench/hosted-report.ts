// The markdown tables of the hosted load bench (bench/hosted-load.ts), from what it collected.
import type { ConnectionPeaks, Read, SubscriberRecord } from './hosted-clients.js';
import type { Journey } from './hosted-journey.js';
import type { MemoryPeak } from './proc.mjs';
import { percentile } from './queue-harness.js';

/** Everything one run of the bench collected. */
export interface LoadResult {
  settings: { cores: number; demos: number; subscribers: number; readers: number; thinkMs: number };
  journeys: Journey[];
  records: SubscriberRecord[];
  reads: Read[];
  /** Every event id of each demo, from demo_events at the end. */
  events: Map<string, number[]>;
  /** When the bench's own LISTEN connection got each event's NOTIFY (epoch ms, by event id). */
  notified: Map<number, number>;
  peaks: { web: MemoryPeak; worker: MemoryPeak; db: ConnectionPeaks };
  /** CPU seconds used while the load ran: the web server, the worker tree, the bench's own process, the load database's Postgres backends, the whole machine. */
  cpu: { web: number; worker: number; bench: number; postgres: number; machine: number };
  /** How long the load ran (subscribers connected → 3 s after the last playable link). */
  seconds: number;
  load: { start: string; end: string };
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const ms = (xs: number[]) =>
  xs.length
    ? `${xs.length} | **${Math.round(percentile(xs, 50))}** | ${Math.round(percentile(xs, 99))} | ${Math.round(Math.max(...xs))}`
    : '0 | – | – | –';
const sec = (a?: number, b?: number) => (a !== undefined && b !== undefined ? ((b - a) / 1000).toFixed(1) : '–');

/** Every event of the subscriber's demo after its start must arrive once, in id order: the events it missed and those out of order. */
export function gaps(record: SubscriberRecord, all: number[]): { missing: number; disorder: number } {
  const got = new Set(record.ids);
  const missing = all.filter((id) => id > record.after && !got.has(id)).length;
  const disorder = record.ids.filter((id, i) => i > 0 && id <= record.ids[i - 1]!).length;
  return { missing, disorder };
}

/** The tables for docs/benchmarks.md. */
export function report(r: LoadResult): string {
  const { settings: c, peaks, cpu } = r;
  const live = r.records.flatMap((s) => s.live);
  const status = live.filter((x) => x.type === 'status');
  const written = new Map(live.map((x) => [x.id, x.at]));
  const toNotify = [...written].flatMap(([id, at]) => (r.notified.has(id) ? [r.notified.get(id)! - at] : []));
  const fromNotify = live.flatMap((x) => (r.notified.has(x.id) ? [x.received - r.notified.get(x.id)!] : []));
  const ofKind = (kind: Read['kind']) => r.reads.filter((x) => x.kind === kind && !x.error).map((x) => x.ms);
  const found = r.records.map((s) => gaps(s, r.events.get(s.demoId) ?? []));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const readErrors = r.reads.filter((x) => x.error);
  const sseErrors = r.records.flatMap((s) => s.errors);
  const journeyErrors = r.journeys.flatMap((j) => j.errors);
  const sample = [...readErrors.map((x) => x.error), ...sseErrors, ...journeyErrors].slice(0, 5);
  const cores = (s: number) => `${s.toFixed(0)} s (${(s / r.seconds).toFixed(2)} cores)`;
  const rest = cpu.machine - cpu.web - cpu.worker - cpu.bench - cpu.postgres;
  const rows = r.journeys.map((j, i) => {
    const t = j.times;
    const ratio = t.playable && t.confirm && j.videoMs ? `**${((t.playable - t.confirm) / j.videoMs).toFixed(2)}×**` : '–';
    return `| ${i + 1} | ${j.stepCount} | ${j.status} | ${sec(0, j.videoMs)} | ${sec(t.confirm, t.recordStart)} | ${sec(t.confirm, t.done)} | ${sec(t.confirm, t.playable)} | ${ratio} |`;
  });
  const { db } = peaks;
  return [
    `### The hosted app under load (${c.cores} cores; load average ${r.load.start} at the start, ${r.load.end} at the end, 1-min peak ${db.load1})\n`,
    `${c.demos} demos recorded by one worker process while ${c.subscribers} SSE subscribers and ${c.readers} dashboard readers (think time ${c.thinkMs} ms ± 50 %) ran for ${r.seconds.toFixed(0)} s.\n`,
    '| measured | n | p50 ms | p99 ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    `| status event: the hook's \`at\` → each subscriber | ${ms(status.map((x) => x.received - x.at))} |`,
    `| every live event (status, step, progress, steps) | ${ms(live.map((x) => x.received - x.at))} |`,
    `| of which: \`at\` → NOTIFY at a plain LISTEN client (each event once) | ${ms(toNotify)} |`,
    `| of which: that NOTIFY → each subscriber | ${ms(fromNotify)} |`,
    `| GET /dashboard (HTML) | ${ms(ofKind('dashboard HTML'))} |`,
    `| GET /api/demos (JSON) | ${ms(ofKind('api/demos JSON'))} |`,
    '',
    '| errors | count |',
    '| --- | --- |',
    `| dashboard reads not 2xx (or not the page) | ${readErrors.length} of ${r.reads.length} |`,
    `| SSE: connects refused or failed / streams dropped | ${sseErrors.length} / ${sum(r.records.map((s) => s.drops))} |`,
    `| SSE: events missing / out of order (${r.records.length} subscribers, ${sum(r.records.map((s) => s.ids.length))} deliveries, ${sum(r.records.map((s) => s.replayed))} of them replayed) | ${sum(found.map((g) => g.missing))} / ${sum(found.map((g) => g.disorder))} |`,
    `| the demos' own API calls not 2xx, or runs not done | ${journeyErrors.length} |`,
    ...(sample.length ? [`\nFirst errors: ${sample.join('; ')}\n`] : ['']),
    '| resources | figure |',
    '| --- | --- |',
    `| Postgres connections to the load database, peak (every 500 ms, ${db.samples} samples${db.error ? `, stopped: ${db.error}` : ''}) | ${db.total} in all (web server ${db.by.web ?? 0}, worker ${db.by.worker ?? 0}, other ${db.by.other ?? 0}); ${db.active} running a query at once; **${db.listen} LISTEN** |`,
    `| peak memory of the web server (next-server), PSS / RSS MiB | ${mib(peaks.web.pss)} / ${mib(peaks.web.rss)} |`,
    `| peak memory of the worker (node + Chromium + ffmpeg), PSS / RSS MiB | ${mib(peaks.worker.pss)} / ${mib(peaks.worker.rss)} |`,
    `| CPU while the load ran: web server / worker (with Chromium, ffmpeg) / Postgres backends of the load database / the bench's clients / everything else (Redis, other jobs on the machine) | ${cores(cpu.web)} / ${cores(cpu.worker)} / ${cores(cpu.postgres)} / ${cores(cpu.bench)} / ${cores(rest)} |`,
    '',
    '| demo | steps | status | video s | confirm → recording starts, s | confirm → done, s | confirm → playable share link, s | ÷ video |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
