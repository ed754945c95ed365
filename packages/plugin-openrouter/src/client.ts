import { LIMITS, ShowrunnerError } from '@showrunner/core';
import type OpenAI from 'openai';
import { PLUGIN_NAME, type ResolvedOptions } from './options.js';
import { cappedFetch } from './reply.js';

/**
 * Which key to send. OpenRouter: the `apiKey` option, else `OPENROUTER_API_KEY`. api.openai.com:
 * `apiKey`, else `OPENAI_API_KEY`. Any other server only gets an explicit `apiKey`, so a key from
 * the environment is never sent to a host it was not made for; local servers (Ollama, LM Studio,
 * vLLM without --api-key) ignore the placeholder.
 * Throws SR_CONFIG_INVALID when OpenRouter or OpenAI would need a key and none is set.
 */
export function resolveApiKey(options: ResolvedOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (options.apiKey) return options.apiKey;
  const host = new URL(options.baseURL).hostname;
  const variable = options.isOpenRouter ? 'OPENROUTER_API_KEY' : host === 'api.openai.com' ? 'OPENAI_API_KEY' : undefined;
  if (!variable) return 'not-needed';
  const key = env[variable]?.trim();
  if (key) return key;
  throw new ShowrunnerError('SR_CONFIG_INVALID', `No API key for ${options.baseURL}: ${variable} is not set.`, {
    plugin: PLUGIN_NAME,
    stage: 'parse',
    slot: 'parse',
    field: 'apiKey',
    hint: options.isOpenRouter
      ? 'Create a key at https://openrouter.ai/keys and `export OPENROUTER_API_KEY=...`, pass openrouter({ apiKey }), ' +
        'or use the offline script parser (remove `parse` from the config).'
      : `\`export ${variable}=...\` or pass openrouter({ apiKey }).`,
  });
}

/**
 * Headers sent with every request: the caller's `headers`, plus OpenRouter's app attribution
 * headers when `attribution` is on (the default for OpenRouter): `HTTP-Referer` identifies the
 * app, `X-Title` names it, and `X-OpenRouter-Title` is the newer spelling of the same header.
 */
export function requestHeaders(options: ResolvedOptions): Record<string, string> {
  if (!options.attribution) return { ...options.headers };
  return {
    'HTTP-Referer': options.appUrl,
    'X-Title': options.appName,
    'X-OpenRouter-Title': options.appName,
    ...options.headers,
  };
}

/**
 * Build the SDK client. Called once per `run` or `planStep`, after the key check. The SDK's own
 * retries are off (`maxRetries: 0`): {@link complete} does every retry, so each one is logged
 * and counted. `baseURL` is always passed so `OPENAI_BASE_URL` in the environment cannot redirect
 * the requests. Replies are read through {@link cappedFetch}: at most LIMITS.modelReplyBytes, and
 * `timeoutMs` covers the whole reply, body included.
 */
export async function createClient(options: ResolvedOptions, apiKey: string): Promise<OpenAI> {
  const { default: OpenAIClient } = await import('openai');
  return new OpenAIClient({
    apiKey,
    baseURL: options.baseURL,
    defaultHeaders: requestHeaders(options),
    maxRetries: 0,
    timeout: options.timeoutMs,
    fetch: cappedFetch(LIMITS.modelReplyBytes),
  });
}
