// A local stand-in for an OpenAI-compatible chat API (OpenRouter, OpenAI, Ollama, ...): a test
// fixture for a remote service. It speaks the documented wire format of POST /chat/completions,
// answers from a script per case, and records every request so tests can check headers, model,
// response_format and the time between a reply and the next request. Like a strict server, it
// refuses a request without a positive integer `max_tokens`, so every test proves the plugin sends
// one. Hostile replies (drips, endless bodies) are written by a case's own `write`.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  temperature?: number;
  [key: string]: unknown;
}

export interface Recorded {
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatRequest;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** Date.now() when the reply to it was sent (undefined while it is pending). */
  repliedAt?: number;
  /** Date.now() when the connection closed; `hungUp` when the client closed it before the reply ended. */
  closedAt?: number;
  hungUp?: boolean;
  /** Body bytes a `write` reply managed to send. */
  bytesSent: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Response body as JSON; `raw` wins when set. */
  json?: unknown;
  raw?: string;
  /** Hold the reply this long (to provoke client timeouts). */
  delayMs?: number;
  /**
   * Write the body yourself after the status and headers (`json`/`raw` are ignored): a drip, an
   * endless stream. Should stop when `res` is destroyed (the client hung up); count bytes in `record`.
   */
  write?: (res: ServerResponse, record: Recorded) => Promise<void>;
}

/** Decides the reply to request number `index` (0-based). */
export type Script = (request: Recorded, index: number) => Reply | Promise<Reply>;

/** A successful chat completion whose message content is `content` (a string, or JSON-encoded). */
export function completion(content: unknown, model = 'fixture-model'): Reply {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return {
    json: {
      id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        { index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
    },
  };
}

/** An error reply in the OpenAI/OpenRouter error body format. */
export function failure(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return { status, headers, json: { error: { message, code: status, type: 'fixture_error' } } };
}

/**
 * A body of `total` bytes written in 64 KiB chunks as fast as the client reads (backpressure), no
 * Content-Length (chunked), stopping when the client hangs up. One chunk is reused: the server's own
 * memory stays flat.
 */
export function endless(total: number, fill = ' '): Reply['write'] {
  const chunk = Buffer.alloc(64 * 1024, fill);
  return async (res, record) => {
    res.write('{"choices":[{"message":{"role":"assistant","content":"');
    while (record.bytesSent < total && !res.destroyed) {
      record.bytesSent += chunk.length;
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done).off('close', done);
            resolve();
          };
          res.on('drain', done).on('close', done);
        });
      }
    }
  };
}

/** `text` one character every `everyMs`, until it is all sent or the client hangs up. */
export function drip(text: string, everyMs: number): Reply['write'] {
  return async (res, record) => {
    for (const char of text) {
      if (res.destroyed) return;
      res.write(char);
      record.bytesSent++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
}

/** Start the server on 127.0.0.1 and a free port. `baseURL` is what the plugin's `baseURL` option takes. */
export async function modelServer(script: Script | Reply[]) {
  const requests: Recorded[] = [];
  const next: Script = typeof script === 'function' ? script : (_r, i) => script[Math.min(i, script.length - 1)]!;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const record: Recorded = {
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
        receivedAt: Date.now(),
        bytesSent: 0,
      };
      if (req.method !== 'POST' || req.url !== '/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      res.on('close', () => {
        record.closedAt = Date.now();
        record.hungUp = !res.writableFinished;
      });
      const index = requests.push(record) - 1;
      const maxTokens = record.body.max_tokens;
      const reply =
        typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0
          ? await next(record, index)
          : failure(400, `fixture: max_tokens must be a positive integer, got ${JSON.stringify(maxTokens)}`);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return; // the client gave up (timeout)
      const headers = { 'content-type': 'application/json', ...reply.headers };
      if (reply.write) {
        res.writeHead(reply.status ?? 200, headers);
        await reply.write(res, record);
        record.repliedAt = Date.now();
        if (!res.destroyed && !res.writableEnded) res.end();
        return;
      }
      record.repliedAt = Date.now();
      const body = reply.raw ?? JSON.stringify(reply.json ?? {});
      res.writeHead(reply.status ?? 200, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    /** Every message of request `i`, joined: what the model was shown. */
    prompt: (i: number) => requests[i]!.body.messages.map((m) => m.content).join('\n'),
    /** The system message of request `i` (instructions) and the rest (the request and its data). */
    system: (i: number) => requests[i]!.body.messages.find((m) => m.role === 'system')?.content ?? '',
    conversation: (i: number) =>
      requests[i]!.body.messages.filter((m) => m.role !== 'system')
        .map((m) => m.content)
        .join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a test file: a `modelServer` factory whose servers are all closed after each test. Call it at
 * the top level of the file (it registers the `afterEach`).
 */
export function useModelServers(): typeof modelServer {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (script) => {
    const s = await modelServer(script);
    servers.push(s);
    return s;
  };
}

/** A planning request against a page the tests never open (snapshots are off in these options). */
export const REQUEST = { url: 'http://127.0.0.1:9/app', description: 'Show how a new user creates a project.' };

/** Plugin options for one test server with a tiny backoff, so only a server's Retry-After can make a test wait. */
export const fastOptions = (baseURL: string) => ({
  baseURL,
  apiKey: 'test-key',
  model: 'primary',
  snapshot: false as const,
  backoffBaseMs: 2,
  backoffMaxMs: 5,
});
