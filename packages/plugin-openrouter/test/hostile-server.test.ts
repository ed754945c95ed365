// A model server that is broken or hostile: replies that are not chat completions, bodies far over
// the byte cap, bodies that drip past the timeout, and waits it asks for that would never end. The
// real `openai` SDK talks to the local server over real HTTP; nothing of the plugin is stubbed.
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { ShowrunnerError } from '@showrunner/core';
import openrouter from '@showrunner/plugin-openrouter';
import { describe, expect, it } from 'vitest';
import { GOOD_PLAN, planRun } from './helpers.js';
import { completion, drip, endless, failure, fastOptions, REQUEST, type Reply, useModelServers } from './model-server.js';

const server = useModelServers();
const fast = (baseURL: string) => ({ ...fastOptions(baseURL), attemptsPerModel: 2 });
const PLAN = JSON.stringify(GOOD_PLAN);
const MB = 1_000_000;

/** A 200 chat completion body with `choices` as given. */
const body = (choices: unknown): Reply => ({ json: { id: 'chatcmpl-x', object: 'chat.completion', model: 'm', choices } });
const choice = (content: unknown, finish = 'stop') => [
  { index: 0, message: { role: 'assistant', content }, finish_reason: finish },
];

/** 200 replies that are not a usable chat completion, and how the attempt is logged. */
const MALFORMED: [string, Reply, RegExp][] = [
  [
    'a non-JSON body',
    { raw: 'this is not json {' },
    /invalid in \d+ ms \(not a JSON body \(application\/json\): "this is not json \{"\)/,
  ],
  [
    'an HTML error page with 200',
    { headers: { 'content-type': 'text/html; charset=utf-8' }, raw: '<!doctype html><title>502 Bad Gateway</title>' },
    /invalid in \d+ ms \(not a JSON body \(text\/html; charset=utf-8\): "<!doctype html><title>502 Bad Gateway<\/title>"\)/,
  ],
  ['an empty body', { raw: '' }, /invalid in \d+ ms \(not a JSON body \(application\/json\): an empty body\)/],
  ['JSON null', { raw: 'null' }, /invalid in \d+ ms \(not a chat completion: /],
  ['the plan as a bare JSON string', { raw: JSON.stringify(PLAN) }, /invalid in \d+ ms \(not a chat completion: /],
  ['the plan without the envelope', { json: GOOD_PLAN }, /invalid .*choices/],
  ['content null', body(choice(null)), /empty in \d+ ms \(no content\)/],
  ['content a number', body(choice(42)), /invalid .*choices\[0\]\.message\.content/],
  ['content an array of parts', body(choice([{ type: 'text', text: PLAN }])), /invalid .*choices\[0\]\.message\.content/],
  ['content an object', body(choice(GOOD_PLAN)), /invalid .*choices\[0\]\.message\.content/],
  ['choices missing', { json: { id: 'chatcmpl-x', object: 'chat.completion' } }, /invalid .*choices/],
  ['choices empty', body([]), /invalid .*the completion has no choices/],
  ['choices not an array', body(PLAN), /invalid .*choices/],
  ['a choice without a message', body([{ index: 0, finish_reason: 'stop' }]), /invalid .*choices\[0\]\.message/],
];

describe('a reply that is not a chat completion', () => {
  it.each(MALFORMED)('%s: retried, then SR_PLAN_REQUEST_FAILED naming the model', async (_name, reply, logged) => {
    const api = await server([reply]);
    const t = await planRun(openrouter(fast(api.baseURL)), REQUEST);
    const error = await t.run().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ShowrunnerError);
    expect(error).toMatchObject({ code: 'SR_PLAN_REQUEST_FAILED', stage: 'parse', plugin: '@showrunner/plugin-openrouter' });
    const lines = (error as ShowrunnerError).message.split('\n').slice(1);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^ {2}\d\. primary: /);
    expect(lines[0]).toMatch(logged);
    expect(api.requests).toHaveLength(2);
  });

  it('says the server is not a chat API when every reply was HTML', async () => {
    const api = await server([{ headers: { 'content-type': 'text/html' }, raw: '<html>Login to the captive portal</html>' }]);
    const error = await (await planRun(openrouter(fast(api.baseURL)), REQUEST)).run().catch((e: unknown) => e);
    expect((error as ShowrunnerError).hint).toMatch(/not answer like an OpenAI-compatible chat API: check baseURL/);
  });

  it('plans once a malformed reply is followed by a good one', async () => {
    const api = await server([body(choice(42)), completion(GOOD_PLAN)]);
    const t = await planRun(openrouter(fast(api.baseURL)), REQUEST);
    const { demo } = await t.run();
    expect(demo.steps).toHaveLength(4);
    expect(t.text()).toMatch(/warn primary: invalid in \d+ ms .*\(attempt 1\/2\); retrying in \d ms/);
  });

  it('moves on at once from a reply cut at max_tokens (finish_reason "length")', async () => {
    const api = await server((req) =>
      req.body.model === 'primary' ? body(choice(PLAN.slice(0, 80), 'length')) : completion(GOOD_PLAN),
    );
    const t = await planRun(openrouter({ ...fast(api.baseURL), fallbackModels: ['backup'] }), REQUEST);
    const { demo } = await t.run();
    expect(demo.steps).toHaveLength(4);
    expect(api.requests.map((r) => r.body.model)).toEqual(['primary', 'backup']);
    expect(t.text()).toMatch(/primary: truncated in \d+ ms \(the reply was cut at max_tokens = 8192\) .*moving on to backup/);
  });
});

/** Peak growth of this process's RSS while `run` runs, sampled every 5 ms, in MB. */
async function peakRssGrowth(run: () => Promise<unknown>): Promise<{ result: unknown; growthMb: number }> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const result = await run().catch((e: unknown) => e);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMb: (peak - before) / MB };
  } finally {
    clearInterval(timer);
  }
}

/** A gzip body that inflates to a 100 MB completion, compressed in 1 MB pieces (never held whole). */
async function gzipBomb(): Promise<Reply> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const ended = once(gzip, 'end');
  gzip.write('{"choices":[{"message":{"content":"');
  const piece = Buffer.alloc(MB, 'A');
  for (let i = 0; i < 100; i++) if (!gzip.write(piece)) await once(gzip, 'drain');
  gzip.end('"}}]}');
  await ended;
  const wire = Buffer.concat(out);
  return { headers: { 'content-encoding': 'gzip' }, write: async (res) => void res.end(wire) };
}

/** Replies over LIMITS.modelReplyBytes (2 MB), each refused while it streams. */
const OVERSIZED: [string, () => Reply | Promise<Reply>][] = [
  ['100 MB, chunked', () => ({ write: endless(100 * MB) })],
  ['100 MB announced by Content-Length', () => ({ headers: { 'content-length': String(100 * MB) }, write: endless(100 * MB) })],
  ['100 MB gzip bomb (about 100 kB on the wire)', gzipBomb],
  ['100 MB error body with HTTP 500', () => ({ status: 500, write: endless(100 * MB) })],
  ['a 200 whose content is a 5 MB string', () => completion('x'.repeat(5 * MB))],
];

describe('a reply over the byte cap', () => {
  it.each(OVERSIZED)('%s: SR_LIMIT_EXCEEDED at once, memory flat', async (name, make) => {
    const api = await server([await make()]);
    const t = await planRun(openrouter({ ...fast(api.baseURL), fallbackModels: ['backup'] }), REQUEST);
    const started = Date.now();
    const { result: error, growthMb } = await peakRssGrowth(() => t.run());

    expect(error).toBeInstanceOf(ShowrunnerError);
    expect(error).toMatchObject({ code: 'SR_LIMIT_EXCEEDED', field: 'modelReplyBytes', stage: 'parse' });
    expect((error as ShowrunnerError).message).toMatch(
      /^The reply of primary from http:\/\/127\.0\.0\.1:\d+ (passed|announces) \d+ bytes, over the limit modelReplyBytes = 2000000 bytes; stopped reading it\.$/,
    );
    expect(api.requests).toHaveLength(1); // not retried, no fallback: the server is at fault
    const [request] = api.requests;
    expect(request!.bytesSent).toBeLessThan(20 * MB); // the download was cancelled, not drained
    expect(growthMb).toBeLessThan(40);
    expect(Date.now() - started).toBeLessThan(10_000);
    console.log(`${name}: RSS peak growth ${growthMb.toFixed(1)} MB, server sent ${(request!.bytesSent / MB).toFixed(1)} MB`);
  });
});

describe('a server that sends the request elsewhere or floods headers', () => {
  it('a redirect is not followed: the key and prompt never reach the other address', async () => {
    const elsewhere = await server([completion(GOOD_PLAN)]);
    const api = await server([{ status: 307, headers: { location: `${elsewhere.baseURL}/chat/completions?key=abc` } }]);
    const t = await planRun(openrouter({ ...fast(api.baseURL), fallbackModels: ['backup'] }), REQUEST);
    const error = await t.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SR_PLAN_REQUEST_FAILED' });
    expect((error as ShowrunnerError).message).toMatch(
      /1\. primary: HTTP 307 in \d+ ms \(redirects to http:\/\/127\.0\.0\.1:\d+\/chat\/completions\?key=…, not followed; use that address as baseURL\)/,
    );
    expect(api.requests.map((r) => r.body.model)).toEqual(['primary', 'backup']); // a 3xx is not retried
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('a 100 kB response header fails the attempt as a connection error', async () => {
    const api = await server([{ headers: { 'x-padding': 'a'.repeat(100_000) }, json: completion(GOOD_PLAN).json }]);
    const error = await (await planRun(openrouter(fast(api.baseURL)), REQUEST)).run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SR_PLAN_REQUEST_FAILED' });
    expect((error as ShowrunnerError).message).toMatch(/1\. primary: network in \d+ ms[\s\S]*2\. primary: network/);
  });
});

describe('a reply that drips past the timeout', () => {
  it('is cut at timeoutMs, body included, retried, then fails', async () => {
    const api = await server([{ write: drip(JSON.stringify(completion(GOOD_PLAN).json), 50) }]);
    const t = await planRun(openrouter({ ...fast(api.baseURL), timeoutMs: 500 }), REQUEST);
    const started = Date.now();
    const error = await t.run().catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'SR_PLAN_REQUEST_FAILED' });
    expect((error as ShowrunnerError).message).toMatch(/1\. primary: timeout in \d+ ms[\s\S]*2\. primary: timeout in \d+ ms/);
    expect(api.requests).toHaveLength(2);
    for (const r of api.requests) {
      expect(r.hungUp).toBe(true);
      expect(r.bytesSent).toBeGreaterThan(3); // headers and some body arrived before the cut
      expect(r.closedAt! - r.receivedAt).toBeLessThan(500 + 400);
    }
    expect(Date.now() - started).toBeLessThan(2 * 500 + 1500);
  });

  it('ends at once when the run is cancelled mid-body', async () => {
    const api = await server([{ write: drip(JSON.stringify(completion(GOOD_PLAN).json), 50) }]);
    const controller = new AbortController();
    const t = await planRun(openrouter(fast(api.baseURL)), REQUEST, { signal: controller.signal });
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    const error = await t.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SR_ABORTED', stage: 'parse' });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(api.requests[0]!.hungUp).toBe(true);
  });
});

describe('a server that asks to wait forever', () => {
  const FOREVER: [string, Record<string, string>][] = [
    ['Retry-After: 999999', { 'Retry-After': '999999' }],
    ['Retry-After with 30 digits', { 'Retry-After': '9'.repeat(30) }],
    ['Retry-After as a date in year 9999', { 'Retry-After': 'Fri, 31 Dec 9999 23:59:59 GMT' }],
    ['X-RateLimit-Reset far in the future', { 'X-RateLimit-Reset': '99999999999999' }],
  ];

  it.each(FOREVER)('%s: never waited (capped by maxRetryAfterMs, even at its maximum)', async (_name, headers) => {
    const api = await server([failure(429, 'Slow down', headers)]);
    const t = await planRun(openrouter({ ...fast(api.baseURL), maxRetryAfterMs: 3_600_000 }), REQUEST);
    const started = Date.now();
    const error = await t.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SR_PLAN_REQUEST_FAILED' });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(api.requests).toHaveLength(1);
    expect(t.text()).toMatch(/server asks to wait \d+ ms \(over maxRetryAfterMs\), moving on/);
  });

  it('a garbage Retry-After is ignored (backoff instead)', async () => {
    const api = await server([failure(503, 'Busy', { 'Retry-After': '-5, soon' }), completion(GOOD_PLAN)]);
    const t = await planRun(openrouter(fast(api.baseURL)), REQUEST);
    await t.run();
    expect(t.text()).toMatch(/retrying in \d ms$/m);
  });

  it('the longest wait allowed still ends on cancel', async () => {
    const api = await server([failure(429, 'Slow down', { 'Retry-After': '3600' })]);
    const controller = new AbortController();
    const t = await planRun(openrouter({ ...fast(api.baseURL), maxRetryAfterMs: 3_600_000 }), REQUEST, {
      signal: controller.signal,
    });
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    const error = await t.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SR_ABORTED' });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(t.text()).toMatch(/retrying in 3600000 ms \(as the server asked\)/);
  });

  it('maxRetryAfterMs itself is capped at one hour', () => {
    expect(() => openrouter({ maxRetryAfterMs: 3_600_001 })).toThrow(
      expect.objectContaining({ code: 'SR_CONFIG_INVALID', field: 'maxRetryAfterMs' }),
    );
  });
});
