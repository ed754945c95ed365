import { formatIssues, overLimit, ShowrunnerError } from '@showrunner/core';
import * as z from 'zod';
import { clean } from './clean.js';
import { PLUGIN_NAME } from './options.js';

/**
 * What the plugin reads from a chat completion, and nothing more: the first choice's text, why it
 * ended, and token usage when the server reports it. Other fields pass unchecked. A server that
 * answers 200 with something else (an HTML error page, a number for `content`, no `choices`) gives
 * an attempt that failed, never a crash or a plan made from garbage.
 */
const Envelope = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          // null when the model refused or called a tool; a string otherwise (never a number or parts)
          content: z.string().nullish(),
          refusal: z.string().nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1, 'the completion has no choices'),
  // Usage is informative only: a missing or odd one is dropped, never a failure.
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).partial().nullish().catch(undefined),
});

/** OpenRouter reports some upstream failures inside a 200 body: `{ error: { code, message } }`. */
const BodyError = z.object({
  error: z.object({ code: z.unknown().optional(), message: z.string().optional() }),
});

/** A reply read and checked: its text, or why the attempt failed (logged and listed as an attempt). */
export type Reply =
  | { ok: true; content: string; usage?: { prompt_tokens?: number; completion_tokens?: number } }
  | { ok: false; status: number | 'invalid' | 'empty' | 'truncated'; detail: string };

/**
 * Read one 2xx reply body (already capped in size by {@link cappedFetch}). Called once per attempt
 * by `complete`. `maxTokens` is only quoted when the model stopped at it.
 */
export function readReply(body: string, contentType: string | null, maxTokens: number): Reply {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { ok: false, status: 'invalid', detail: `not a JSON body (${contentType ?? 'no content-type'}): ${preview(body)}` };
  }
  const envelope = Envelope.safeParse(data);
  const choice = envelope.success ? envelope.data.choices[0]! : undefined;
  const content = choice?.message.content;
  if (choice?.finish_reason === 'length') {
    return { ok: false, status: 'truncated', detail: `the reply was cut at max_tokens = ${maxTokens}` };
  }
  if (envelope.success && content?.trim()) return { ok: true, content, usage: envelope.data.usage ?? undefined };

  const bodyError = BodyError.safeParse(data);
  if (bodyError.success) {
    const { code, message } = bodyError.data.error;
    return { ok: false, status: typeof code === 'number' ? code : 'invalid', detail: clean(message ?? 'an error body') };
  }
  if (!envelope.success) {
    const issue = formatIssues(envelope.error).message.split('\n')[0] ?? '';
    return { ok: false, status: 'invalid', detail: `not a chat completion: ${clean(issue)}` };
  }
  const refusal = choice?.message.refusal;
  return { ok: false, status: 'empty', detail: refusal ? `refused: ${clean(refusal)}` : 'no content' };
}

function preview(body: string): string {
  const text = clean(body).replace(/\s+/g, ' ').trim();
  return text ? JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text) : 'an empty body';
}

/** Thrown by {@link cappedFetch} when a reply passes the cap; `complete` turns it into SR_LIMIT_EXCEEDED. */
export class ReplyTooLarge extends Error {
  /** Bytes read (or announced by Content-Length) when reading stopped. */
  readonly bytes: number;
  /** True when Content-Length announced the size and nothing was read. */
  readonly declared: boolean;
  constructor(bytes: number, declared: boolean) {
    // No "timeout" wording: the SDK classifies fetch errors by their text.
    super(`reply body over the byte cap (${bytes} bytes)`);
    this.name = 'ReplyTooLarge';
    this.bytes = bytes;
    this.declared = declared;
  }
}

/**
 * A `fetch` for the OpenAI client that reads the whole reply body itself, counting bytes as they
 * arrive and cancelling the download as soon as they pass `maxBytes` (a Content-Length over it is
 * refused before reading). Memory stays at most `maxBytes` whatever the server sends, and because
 * the body is read inside `fetch`, the SDK's request timeout and the run's abort signal cover the
 * body too: a server that drips bytes cannot outlast `timeoutMs`. Counted after decompression, so a
 * compressed bomb is capped as well. Error bodies (4xx/5xx) go through the same cap. Redirects are
 * not followed (the 3xx goes back to the SDK as an error): a server must not send the request, with
 * its key and prompt, to another address.
 */
export function cappedFetch(maxBytes: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, { ...init, redirect: 'manual' });
    const declared = Number(response.headers.get('content-length'));
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new ReplyTooLarge(declared, true);
    }
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    const reader = response.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new ReplyTooLarge(bytes, false);
      }
      chunks.push(value);
    }
    const noBody = [204, 205, 304].includes(response.status);
    return new Response(noBody ? null : Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** SR_LIMIT_EXCEEDED for a reply over LIMITS.modelReplyBytes, naming the model, server and limit. */
export function replyTooLarge(model: string, baseURL: string, err: ReplyTooLarge): ShowrunnerError {
  const size = err.declared ? `announces ${err.bytes} bytes` : `passed ${err.bytes} bytes`;
  return new ShowrunnerError(
    'SR_LIMIT_EXCEEDED',
    `The reply of ${model} from ${baseURL} ${size}, ${overLimit('modelReplyBytes', ' bytes')}; stopped reading it.`,
    {
      stage: 'parse',
      plugin: PLUGIN_NAME,
      field: 'modelReplyBytes',
      cause: err,
      hint: 'A plan is a few kilobytes of JSON: check that baseURL is an OpenAI-compatible chat API and maxTokens is sane.',
    },
  );
}
