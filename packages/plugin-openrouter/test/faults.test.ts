import { readRun, ShowrunnerError } from '@showrunner/core';
import openrouter from '@showrunner/plugin-openrouter';
import { describe, expect, it } from 'vitest';
import { GOOD_PLAN, planRun } from './helpers.js';
import { completion, failure, fastOptions, REQUEST, useModelServers } from './model-server.js';

const server = useModelServers();
const fast = fastOptions;

describe('rate limits and faults', () => {
  it('honours Retry-After in seconds on a 429, then succeeds', async () => {
    const api = await server([failure(429, 'Rate limit exceeded', { 'Retry-After': '1' }), completion(GOOD_PLAN)]);
    const t = await planRun(openrouter(fast(api.baseURL)), REQUEST);
    const { demo } = await t.run();

    expect(demo.steps).toHaveLength(4);
    const [limited, retried] = api.requests;
    const waited = retried!.receivedAt - limited!.repliedAt!;
    expect(waited).toBeGreaterThanOrEqual(990);
    expect(waited).toBeLessThan(2500);
    expect(api.requests.map((r) => r.body.model)).toEqual(['primary', 'primary']);
    expect(t.text()).toMatch(
      /warn primary: HTTP 429 in \d+ ms \(Rate limit exceeded\) \(attempt 1\/3\); retrying in 1000 ms \(as the server asked\)/,
    );
  });

  it('honours Retry-After as an HTTP date', async () => {
    let until = 0;
    const api = await server((_req, i) => {
      if (i > 0) return completion(GOOD_PLAN);
      until = Math.ceil((Date.now() + 1200) / 1000) * 1000; // HTTP dates have whole seconds
      return failure(503, 'Upstream busy', { 'Retry-After': new Date(until).toUTCString() });
    });
    const t = await planRun(openrouter(fast(api.baseURL)), REQUEST);
    await t.run();
    expect(api.requests[1]!.receivedAt).toBeGreaterThanOrEqual(until - 10);
    expect(api.requests[1]!.receivedAt - api.requests[0]!.repliedAt!).toBeLessThan(3000);
  });

  it("honours OpenRouter's X-RateLimit-Reset (epoch ms) on a 429 without Retry-After", async () => {
    let until = 0;
    const api = await server((_req, i) => {
      if (i > 0) return completion(GOOD_PLAN);
      until = Date.now() + 800;
      return failure(429, 'Rate limit exceeded: free-models-per-min', { 'X-RateLimit-Reset': String(until) });
    });
    const t = await planRun(openrouter(fast(api.baseURL)), REQUEST);
    await t.run();
    expect(api.requests[1]!.receivedAt).toBeGreaterThanOrEqual(until - 10);
    expect(t.text()).toMatch(/retrying in \d{3} ms \(as the server asked\)/);
  });

  it('moves to the fallback model after N failures (500 twice)', async () => {
    const api = await server((req) =>
      req.body.model === 'primary' ? failure(500, 'Internal error') : completion(GOOD_PLAN, 'backup'),
    );
    const t = await planRun(openrouter({ ...fast(api.baseURL), fallbackModels: ['backup'], attemptsPerModel: 2 }), REQUEST);
    const { demo } = await t.run();

    expect(demo.steps).toHaveLength(4);
    expect(api.requests.map((r) => r.body.model)).toEqual(['primary', 'primary', 'backup']);
    const log = t.text();
    expect(log).toMatch(/warn primary: HTTP 500 in \d+ ms \(Internal error\) \(attempt 1\/2\); retrying in \d ms/);
    expect(log).toMatch(/warn primary: HTTP 500 in \d+ ms \(Internal error\) \(attempt 2\/2\); moving on to backup/);
    expect(log).toMatch(/info backup: HTTP 200 in \d+ ms \(attempt 1\/2\)/);
  });

  it('moves on at once when Retry-After is longer than maxRetryAfterMs', async () => {
    const api = await server((req) =>
      req.body.model === 'primary' ? failure(429, 'Daily limit', { 'Retry-After': '3600' }) : completion(GOOD_PLAN),
    );
    const t = await planRun(openrouter({ ...fast(api.baseURL), fallbackModels: ['backup'], maxRetryAfterMs: 5_000 }), REQUEST);
    const started = Date.now();
    await t.run();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(api.requests.map((r) => r.body.model)).toEqual(['primary', 'backup']);
    expect(t.text()).toMatch(/server asks to wait 3600000 ms \(over maxRetryAfterMs\), moving on/);
  });

  it('retries a request that times out', async () => {
    const api = await server((_req, i) => (i === 0 ? { ...completion(GOOD_PLAN), delayMs: 2_000 } : completion(GOOD_PLAN)));
    const t = await planRun(openrouter({ ...fast(api.baseURL), timeoutMs: 300 }), REQUEST);
    const { demo } = await t.run();
    expect(demo.steps).toHaveLength(4);
    expect(api.requests).toHaveLength(2);
    expect(t.text()).toMatch(/warn primary: timeout in \d+ ms .*\(attempt 1\/3\); retrying/);
  });

  it('retries an empty reply', async () => {
    const api = await server([completion(''), completion(GOOD_PLAN)]);
    const t = await planRun(openrouter(fast(api.baseURL)), REQUEST);
    await t.run();
    expect(api.requests).toHaveLength(2);
    expect(t.text()).toMatch(/warn primary: empty in \d+ ms \(no content\) \(attempt 1\/3\); retrying/);
  });

  it('stops waiting out a Retry-After when the run is cancelled', async () => {
    const api = await server([failure(429, 'Rate limit exceeded', { 'Retry-After': '30' })]);
    const controller = new AbortController();
    const t = await planRun(openrouter(fast(api.baseURL)), REQUEST, { signal: controller.signal });
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    const error = await t.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SR_ABORTED', stage: 'parse' });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(api.requests).toHaveLength(1);
  });

  it('fails with SR_PLAN_REQUEST_FAILED listing every attempt when all models fail', async () => {
    const replies = [failure(500, 'boom'), failure(503, 'overloaded'), failure(429, 'slow down'), failure(404, 'No such model')];
    const api = await server(replies);
    const t = await planRun(
      openrouter({ ...fast(api.baseURL), fallbackModels: ['backup', 'third'], attemptsPerModel: 2 }),
      REQUEST,
    );
    const error = await t.run().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ShowrunnerError);
    const { code, message, hint } = error as ShowrunnerError;
    expect(code).toBe('SR_PLAN_REQUEST_FAILED');
    const lines = message.split('\n').slice(1);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^ {2}1\. primary: HTTP 500 in \d+ ms \(boom\)$/);
    expect(lines[1]).toMatch(/^ {2}2\. primary: HTTP 503 in \d+ ms \(overloaded\)$/);
    expect(lines[2]).toMatch(/^ {2}3\. backup: HTTP 429 in \d+ ms \(slow down\)$/);
    expect(lines[3]).toMatch(/^ {2}4\. backup: HTTP 404 in \d+ ms \(No such model\)$/); // not retried: a 404 moves on
    expect(lines[4]).toMatch(/^ {2}5\. third: HTTP 404/);
    expect(hint).toMatch(/fallbackModels/);
    expect(api.requests.map((r) => r.body.model)).toEqual(['primary', 'primary', 'backup', 'backup', 'third']);
    expect((await readRun(t.runDir)).state.error?.code).toBe('SR_PLAN_REQUEST_FAILED');
  });

  it('stops at once on 401: a bad key fails every model', async () => {
    const api = await server([failure(401, 'No auth credentials found')]);
    const t = await planRun(openrouter({ ...fast(api.baseURL), fallbackModels: ['backup'] }), REQUEST);
    const error = await t.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SR_PLAN_REQUEST_FAILED' });
    expect((error as ShowrunnerError).hint).toMatch(/API_KEY/);
    expect(api.requests).toHaveLength(1);
  });
});
