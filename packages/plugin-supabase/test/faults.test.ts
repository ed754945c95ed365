// Retries, Retry-After, the retry budget and cancellation, with faults injected by the local Storage
// server in front of the real supabase-js.
import supabaseStorage from '@showrunner/plugin-supabase';
import { describe, expect, it } from 'vitest';
import { mergedRun, QUICK, rejection, storageServer } from './helpers.js';

const mp4Upload = (r: { method: string; path: string }) => r.method === 'POST' && r.path.endsWith('/final.mp4');

async function setup(options: Record<string, unknown> = {}) {
  const server = await storageServer();
  const storage = supabaseStorage({ url: server.url, serviceKey: server.serviceKey, concurrency: 1, ...QUICK, ...options });
  const run = await mergedRun(storage);
  const attempts = () => server.requests.filter(mp4Upload);
  return { server, run, attempts };
}

describe('supabaseStorage under faults', () => {
  it('retries 503s and a 429, honouring Retry-After, then succeeds', async () => {
    const { server, run, attempts } = await setup();
    server.fail(2, { status: 503 }, mp4Upload);
    server.fail(1, { status: 429, retryAfter: '1' }, mp4Upload);
    const started = Date.now();
    const out = await run.store();
    const elapsed = Date.now() - started;
    expect(attempts().map((r) => r.status)).toEqual([503, 503, 429, 200]);
    expect(elapsed).toBeGreaterThanOrEqual(1000); // the 429's Retry-After: 1, not the 20–100 ms backoff
    expect(elapsed).toBeLessThan(5000);
    expect((await fetch(out.url)).status).toBe(200);
  });

  it('retries what Storage reports as 5xx inside an HTTP 400, and a dropped connection', async () => {
    const { server, run, attempts } = await setup();
    const body = {
      statusCode: '503',
      code: 'DatabaseConnectionLimit',
      error: 'DatabaseConnectionLimit',
      message: 'The database has reached its maximum number of connections.',
    };
    server.fail(1, { status: 400, body }, mp4Upload);
    server.fail(1, { reset: true }, mp4Upload);
    await run.store();
    expect(attempts()).toHaveLength(3);
    expect(server.object('showrunner', `demos/${run.runId}/final.mp4`)).toBeDefined();
  });

  it('gives up after the retry budget with SR_STORAGE_FAILED naming the file, the status and Storage’s message', async () => {
    const { server, run, attempts } = await setup({ retries: 2 });
    server.fail(99, { status: 503, body: { message: 'upstream connect error' } }, mp4Upload);
    const error = await rejection(run.store());
    expect(error).toMatchObject({ code: 'SR_STORAGE_FAILED', file: 'merge/1/final.mp4', stage: 'storage' });
    expect(error.message).toBe(
      `Could not upload merge/1/final.mp4 (showrunner/demos/${run.runId}/final.mp4): HTTP 503: upstream connect error, after 3 attempts.`,
    );
    expect(error.hint).toMatch(/can be run again/);
    expect(attempts()).toHaveLength(3);
  });

  it('a Retry-After beyond maxRetryAfterMs ends the retries at once', async () => {
    const { server, run, attempts } = await setup({ maxRetryAfterMs: 2000 });
    server.fail(5, { status: 429, retryAfter: '120' }, mp4Upload);
    const started = Date.now();
    const error = await rejection(run.store());
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.message).toMatch(
      /HTTP 429: API rate limit exceeded; the server asked to wait 120 s, more than maxRetryAfterMs\.$/,
    );
    expect(attempts()).toHaveLength(1);
  });

  it('cancelling during a backoff ends the stage promptly', async () => {
    const { server, run, attempts } = await setup({ backoffBaseMs: 30_000, backoffMaxMs: 60_000 });
    server.fail(99, { status: 503 }, mp4Upload);
    const abort = new AbortController();
    const storing = rejection(run.store(abort.signal));
    while (!attempts().some((r) => r.status === 503)) await new Promise((r) => setTimeout(r, 5));
    const cancelledAt = Date.now();
    abort.abort();
    const error = await storing;
    expect(Date.now() - cancelledAt).toBeLessThan(500);
    expect(error.code).toBe('SR_ABORTED');
    expect(attempts()).toHaveLength(1);
  });

  it('a server that never answers times out and is retried, then reported', async () => {
    const { server, run, attempts } = await setup({ requestTimeoutMs: 300, retries: 1 });
    server.fail(2, { hang: true }, mp4Upload);
    const error = await rejection(run.store());
    expect(error.message).toMatch(/final\.mp4\): network error: no response within 300 ms, after 2 attempts\.$/);
    expect(attempts()).toHaveLength(2);
  });

  it('signing is retried like uploads', async () => {
    const { server, run } = await setup();
    server.fail(1, { status: 502 }, (r) => r.path.startsWith('/storage/v1/object/sign/'));
    const out = await run.store();
    expect(server.requests.filter((r) => r.path === '/storage/v1/object/sign/showrunner').map((r) => r.status)).toEqual([
      502, 200,
    ]);
    expect((await fetch(out.url)).status).toBe(200);
  });
});
