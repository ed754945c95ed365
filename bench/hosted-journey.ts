// One demo's way through the hosted app in the load bench (bench/hosted-load.ts), through the API as
// the pages call it: create, confirm as soon as it reaches review, wait for done, create a share link
// and fetch the shared video with a Range request (206 = playable). Plus the process helpers the bench
// needs (a process tree under a group leader, a line in a log file).
import { readdirSync, readFileSync } from 'node:fs';
import type { DemoEvent, DemoView, NewDemo, ShareLink } from '../apps/hosted/src/pipeline/types.js';
import { sleep } from './queue-harness.js';

/** A demo of the bench: the view it was created with, what happened to it and when (epoch ms). */
export interface Journey {
  view: DemoView;
  /** Final run status (or where it stopped). */
  status: string;
  /** Cards confirmed. */
  stepCount: number;
  /** Length of the finished video. */
  videoMs?: number;
  times: { created: number; review?: number; confirm?: number; recordStart?: number; done?: number; playable?: number };
  /** API calls that were not 2xx, runs that did not end done, pauses. */
  errors: string[];
  /** Every event of the demo, once, as the first subscriber receives it. */
  onEvent(event: DemoEvent): void;
  /** Confirm at review, wait for the end, share and fetch the video. */
  run(signal: AbortSignal, log: (line: string) => void): Promise<void>;
}

interface Answer<T> {
  status: number;
  json: T;
  headers: Headers;
}

/** An API call as the signed-in page makes it (the session cookies); throws on anything but 2xx. */
async function call<T>(base: string, cookie: string, method: string, pathname: string, body?: unknown): Promise<Answer<T>> {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: { cookie, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  if (res.status < 200 || res.status > 299) throw new Error(`${method} ${pathname} → ${res.status} ${text.slice(0, 200)}`);
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const until = <T>(promise: Promise<T>, signal: AbortSignal) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
  ]);

/** Creates the demo (POST /api/demos) for the user with these cookies; `run()` takes it to a playable share link. */
export async function journey(base: string, cookie: string, input: NewDemo): Promise<Journey> {
  const created = Date.now();
  const { json: view } = await call<DemoView>(base, cookie, 'POST', '/api/demos', input);
  const review = deferred<void>();
  const end = deferred<string>();
  const api = <T>(method: string, pathname: string, body?: unknown) => call<T>(base, cookie, method, pathname, body);
  const j: Journey = {
    view,
    status: view.status,
    stepCount: 0,
    times: { created },
    errors: [],
    onEvent(e) {
      if (e.type !== 'status') return;
      const status = String(e.data.status);
      const at = Date.parse(e.at);
      j.status = status;
      if (status === 'awaiting_review') {
        j.times.review = at;
        review.resolve();
      } else if (status === 'running' && e.data.stage === 'record' && !j.times.recordStart) j.times.recordStart = at;
      else if (status === 'paused') {
        // A step failed: answer skip so the run still ends, and count it (the descriptions should not fail).
        j.errors.push(`demo ${view.id} paused on a failed step`);
        api('POST', `/api/demos/${view.id}/decision`, { choice: 'skip' }).catch((err) => j.errors.push(String(err)));
      } else if (['done', 'failed', 'cancelled'].includes(status)) {
        j.times.done = at;
        end.resolve(status);
      }
    },
    async run(signal, log) {
      try {
        await until(review.promise, signal);
        j.times.confirm = Date.now();
        const { json: confirmed } = await api<DemoView>('POST', `/api/demos/${view.id}/confirm`);
        j.stepCount = confirmed.steps.length;
        log(`  demo ${view.id.slice(0, 8)}: confirmed ${j.stepCount} cards`);
        const final = await until(end.promise, signal);
        if (final !== 'done') throw new Error(`demo ${view.id} ended ${final}`);
        const { json: share } = await api<ShareLink>('POST', `/api/demos/${view.id}/shares`);
        const token = share.path.split('/').pop();
        const res = await fetch(`${base}/api/share/${token}/files/video`, { headers: { range: 'bytes=0-65535' } });
        const bytes = (await res.arrayBuffer()).byteLength;
        if (res.status !== 206 || !res.headers.get('content-range'))
          throw new Error(`shared video of ${view.id}: ${res.status} without a Content-Range`);
        j.times.playable = Date.now();
        const { json: done } = await api<DemoView>('GET', `/api/demos/${view.id}`);
        j.videoMs = done.files?.durationMs ?? done.durationMs;
        log(
          `  demo ${view.id.slice(0, 8)}: playable ${((j.times.playable - j.times.confirm) / 1000).toFixed(1)} s after confirm ` +
            `(${bytes} bytes of ${res.headers.get('content-range')}; video ${((j.videoMs ?? 0) / 1000).toFixed(1)} s)`,
        );
      } catch (err) {
        if (signal.aborted) throw err;
        j.errors.push((err as Error).message);
        log(`  ${(err as Error).message}`);
      }
    },
  };
  return j;
}

/** Each process's parent pid and process group (from /proc). */
function processes(): Map<number, { parent: number; group: number }> {
  const out = new Map<number, { parent: number; group: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { parent: Number(fields[1]), group: Number(fields[2]) });
    } catch {}
  }
  return out;
}

/** Processes still in the process group `leader` started (what a stopped launcher may leave behind). */
export const groupMembers = (leader: number): number[] =>
  [...processes()].filter(([, p]) => p.group === leader).map(([pid]) => pid);

/** `pid` and every process below it. */
export function descendants(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const [child, { parent }] of processes()) byParent.set(parent, [...(byParent.get(parent) ?? []), child]);
  const out: number[] = [];
  for (const stack = [pid]; stack.length; ) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(byParent.get(p) ?? []));
  }
  return out;
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

/**
 * The process doing the work under a launcher (npx / npm → sh → tsx → node): the deepest process
 * below `leader` whose command line matches `pattern`, and a live list of it and its children
 * (Chromium, ffmpeg). Throws when there is none.
 */
export function processTree(leader: number, pattern: RegExp): { root: number; pids: () => number[] } {
  const matches = descendants(leader).filter((p) => pattern.test(cmdline(p)));
  const root = matches.find((p) => !descendants(p).some((c) => c !== p && matches.includes(c)));
  if (root === undefined) throw new Error(`no process matching ${pattern} under ${leader}`);
  return { root, pids: () => descendants(root) };
}

/** Waits until `file` holds `text` (a process saying it is ready), polling every 250 ms. */
export async function waitForLine(file: string, text: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal.throwIfAborted();
    if (readFileSync(file, 'utf8').includes(text)) return;
    await sleep(250);
  }
  throw new Error(`"${text}" did not appear in ${file} within ${timeoutMs / 1000} s`);
}
