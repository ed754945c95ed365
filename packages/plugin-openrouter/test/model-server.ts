// A local stand-in for an OpenAI-compatible chat API (OpenRouter, OpenAI, Ollama, ...): a test
// fixture for a remote service. It speaks the documented wire format of POST /chat/completions,
// answers from a script per case, and records every request so tests can check headers, model,
// response_format and the time between a reply and the next request.

import { createServer, type IncomingHttpHeaders } from 'node:http';
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
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Response body as JSON; `raw` wins when set. */
  json?: unknown;
  raw?: string;
  /** Hold the reply this long (to provoke client timeouts). */
  delayMs?: number;
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
      };
      if (req.method !== 'POST' || req.url !== '/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const index = requests.push(record) - 1;
      const reply = await next(record, index);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return; // the client gave up (timeout)
      record.repliedAt = Date.now();
      const body = reply.raw ?? JSON.stringify(reply.json ?? {});
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(body);
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
