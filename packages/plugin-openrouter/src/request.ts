import { redactUrl, ShowrunnerError, type StageContext } from '@showrunner/core';
import type OpenAI from 'openai';
import { backoffMs, serverWaitMs, sleep } from './backoff.js';
import { clean } from './clean.js';
import { PLUGIN_NAME, type ResolvedOptions } from './options.js';
import { ReplyTooLarge, readReply, replyTooLarge } from './reply.js';

export type Message = OpenAI.Chat.ChatCompletionMessageParam;

/** One HTTP request to one model, as logged and as listed in SR_PLAN_REQUEST_FAILED. */
export interface Attempt {
  model: string;
  /**
   * HTTP status, or what went wrong: no reply in time, no connection, no text, a 200 that is not a
   * chat completion, a reply cut at max_tokens.
   */
  status: number | 'timeout' | 'network' | 'empty' | 'invalid' | 'truncated';
  latencyMs: number;
  detail?: string;
}

/** What a planning conversation shares between its requests (the first one and the repair). */
export interface Session {
  client: OpenAI;
  options: ResolvedOptions;
  ctx: StageContext;
  /** JSON Schema sent as `response_format` (unless the model rejected it or the mode is `prompt`). */
  schema: { name: string; schema: Record<string, unknown> };
  /** Models that answered 400/422 to `response_format`: asked with prompt instructions only from then on. */
  noSchema: Set<string>;
}

export interface Completion {
  content: string;
  /** Index in `[model, ...fallbackModels]` of the model that answered; a repair starts there. */
  modelIndex: number;
}

/**
 * Send one chat completion, retrying and falling back until a model answers with content.
 * Called serially by the planner (first request, then at most one repair).
 *
 * Per model: up to `attemptsPerModel` attempts. 429, 408, 5xx, timeouts, connection errors, empty
 * replies and 200s that are not a chat completion are retried after `Retry-After` (when the server
 * sent one and it is at most `maxRetryAfterMs`) or exponential backoff with jitter. Any other 4xx and
 * a reply cut at max_tokens move to the next model at once, except 401 (a bad key fails every model)
 * which throws. A reply over LIMITS.modelReplyBytes throws SR_LIMIT_EXCEEDED at once (the server,
 * not the model, is at fault, and every fallback uses the same server). Every attempt is logged.
 */
export async function complete(session: Session, messages: Message[], startModel = 0): Promise<Completion> {
  const { client, options, ctx } = session;
  const sdk = (await import('openai')).default;
  const models = [options.model, ...options.fallbackModels];
  const attempts: Attempt[] = [];

  for (let m = startModel; m < models.length; m++) {
    const model = models[m]!;
    let n = 0;
    while (n < options.attemptsPerModel) {
      n++;
      const structured = options.responseFormat !== 'prompt' && !session.noSchema.has(model);
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      let attempt: Attempt;
      let headers: Headers | undefined;
      try {
        const response = await client.chat.completions
          .create(
            {
              model,
              messages,
              temperature: options.temperature,
              max_tokens: options.maxTokens,
              ...(structured
                ? { response_format: { type: 'json_schema', json_schema: { ...session.schema, strict: true } } }
                : {}),
            },
            { signal: ctx.signal },
          )
          .asResponse(); // the body is read and checked here, not trusted to the SDK's parser
        const reply = readReply(await response.text(), response.headers.get('content-type'), options.maxTokens);
        if (reply.ok) {
          ctx.log.info(`${model}: HTTP 200 in ${elapsed()} ms (attempt ${n}/${options.attemptsPerModel})${tokens(reply.usage)}`);
          return { content: reply.content, modelIndex: m };
        }
        attempt = { model, status: reply.status, latencyMs: elapsed(), detail: reply.detail };
      } catch (err) {
        if (ctx.signal.aborted || err instanceof sdk.APIUserAbortError) {
          throw new ShowrunnerError('SR_ABORTED', 'The run was cancelled.', { stage: 'parse', cause: err });
        }
        // The SDK wraps what cappedFetch throws as a connection error.
        const big = err instanceof ReplyTooLarge ? err : (err as { cause?: unknown } | null)?.cause;
        if (big instanceof ReplyTooLarge) throw replyTooLarge(model, options.baseURL, big);
        if (!(err instanceof sdk.APIError)) throw err;
        const status = err instanceof sdk.APIConnectionTimeoutError ? 'timeout' : (err.status ?? 'network');
        const location = typeof status === 'number' && status < 400 ? err.headers?.get('location') : undefined;
        // The SDK prefixes the status to the server's message; the status is listed separately.
        const detail = location
          ? `redirects to ${redactUrl(clean(location))}, not followed; use that address as baseURL`
          : firstLine(err.message.replace(/^\d{3} /, ''));
        attempt = { model, status, latencyMs: elapsed(), detail };
        headers = err.headers;
      }
      attempts.push(attempt);
      const { status } = attempt;
      const about = `${model}: ${describe(attempt)} (attempt ${n}/${options.attemptsPerModel})`;

      if (status === 401) {
        ctx.log.warn(about);
        throw failed(attempts, 'The server refused the API key (HTTP 401).', 'Check OPENROUTER_API_KEY or the apiKey option.');
      }
      if ((status === 400 || status === 422) && structured && options.responseFormat === 'auto') {
        ctx.log.warn(`${about}; asking again without response_format`);
        session.noSchema.add(model);
        n--; // the model did not fail, the format did: this retry is free
        continue;
      }
      const retryable = typeof status === 'number' ? status === 408 || status === 429 || status >= 500 : status !== 'truncated';
      if (!retryable || n >= options.attemptsPerModel) {
        ctx.log.warn(`${about}; ${m + 1 < models.length ? `moving on to ${models[m + 1]}` : 'no model left'}`);
        break;
      }
      const asked = serverWaitMs(headers, status);
      if (asked !== undefined && asked > options.maxRetryAfterMs) {
        ctx.log.warn(`${about}; server asks to wait ${asked} ms (over maxRetryAfterMs), moving on`);
        break;
      }
      const wait = asked ?? backoffMs(n, options.backoffBaseMs, options.backoffMaxMs);
      ctx.log.warn(`${about}; retrying in ${wait} ms${asked === undefined ? '' : ' (as the server asked)'}`);
      await sleep(wait, ctx.signal);
    }
  }
  throw failed(attempts);
}

function describe({ status, latencyMs, detail }: Attempt): string {
  const what = typeof status === 'number' ? `HTTP ${status}` : status;
  return `${what} in ${latencyMs} ms${detail ? ` (${detail})` : ''}`;
}

function firstLine(text: string): string {
  const line = clean(text.split('\n')[0] ?? '');
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** SR_PLAN_REQUEST_FAILED listing every attempt, with a hint matching what went wrong most. */
function failed(attempts: Attempt[], reason = 'Every model and retry failed.', hint?: string): ShowrunnerError {
  const lines = attempts.map((a, i) => `  ${i + 1}. ${a.model}: ${describe(a)}`);
  const all = (status: Attempt['status']) => attempts.length > 0 && attempts.every((a) => a.status === status);
  return new ShowrunnerError('SR_PLAN_REQUEST_FAILED', `${reason}\n${lines.join('\n')}`, {
    stage: 'parse',
    plugin: PLUGIN_NAME,
    hint:
      hint ??
      (all(429)
        ? 'Rate-limited: free OpenRouter models allow about 20 requests a minute and 50 a day without credits. ' +
          'Wait, add fallbackModels, or use a paid model.'
        : all('invalid')
          ? 'The server does not answer like an OpenAI-compatible chat API: check baseURL (it usually ends in /v1).'
          : attempts.some((a) => a.status === 'truncated')
            ? 'A reply hit max_tokens: raise maxTokens, lower maxSteps, or use a model that answers more briefly.'
            : 'Check the model ids (https://openrouter.ai/models), add fallbackModels, or raise timeoutMs / attemptsPerModel.'),
  });
}

/** `; 100 + 50 tokens` for the log line of a reply, when the server reported usage. */
function tokens(usage: { prompt_tokens?: number; completion_tokens?: number } | undefined): string {
  return usage?.prompt_tokens !== undefined && usage.completion_tokens !== undefined
    ? `; ${usage.prompt_tokens} + ${usage.completion_tokens} tokens`
    : '';
}
