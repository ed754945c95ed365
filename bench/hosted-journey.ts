// One demo's way through the hosted app in the load bench (bench/hosted-load.ts), through the API as
// the pages call it: create, confirm as soon as it reaches review, wait for done, create a share link
// and fetch the shared video with a Range request (206 = playable).
import type { DemoEvent, DemoView, NewDemo, ShareLink } from '../apps/hosted/src/pipeline/types.js';

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
