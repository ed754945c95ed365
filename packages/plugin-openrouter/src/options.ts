import { LIMITS, type NetworkGuard, parseOptions, ShowrunnerError } from '@showrunner/core';
import * as z from 'zod';

/** The plugin's npm name: appears in every error and log line. */
export const PLUGIN_NAME = '@showrunner/plugin-openrouter';
/** OpenRouter's OpenAI-compatible endpoint, the default `baseURL`. */
export const OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';
/** Default model: free on OpenRouter (rate-limited, so add `fallbackModels`). */
export const DEFAULT_MODEL = 'meta-llama/llama-3.3-70b-instruct:free';

/**
 * Takes a URL and returns the ARIA snapshot (YAML) of that page. Called once per `run`, after the
 * URL passed the run's policy. `guards` carries the run's network guard (untrusted runs) for a
 * function that opens pages itself and wants to honour it.
 */
export type SnapshotFn = (url: string, guards: { network?: NetworkGuard; trusted: boolean }) => Promise<string>;

/**
 * Largest `maxTokens` accepted: the longest output current models offer (128k tokens). Even as
 * escaped JSON that stays well under LIMITS.modelReplyBytes, so the byte cap never cuts a reply
 * the token limit allowed.
 */
export const MAX_TOKENS_CAP = 131_072;

const count = (min: number, max: number) => z.number().int().min(min).max(max);
const ms = (max: number) => z.number().int().min(0).max(max);

const OptionsSchema = z.strictObject({
  model: z.string().min(1).optional(),
  fallbackModels: z.array(z.string().min(1)).default([]),
  baseURL: z.url({ protocol: /^https?$/ }).default(OPENROUTER_BASE_URL),
  apiKey: z.string().min(1).optional(),
  appUrl: z.url().default('https://github.com/showrunner-dev/showrunner'),
  appName: z.string().min(1).default('Showrunner'),
  attribution: z.boolean().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  responseFormat: z.enum(['auto', 'json_schema', 'prompt']).default('auto'),
  temperature: z.number().min(0).max(2).default(0.2),
  maxTokens: count(256, MAX_TOKENS_CAP).default(LIMITS.modelMaxTokens),
  maxSteps: count(1, 100).default(20),
  snapshot: z
    .union([
      z.literal(false),
      z.custom<SnapshotFn>((v) => typeof v === 'function', 'false or a function (url) => Promise<string>'),
    ])
    .optional(),
  snapshotMaxChars: count(500, 200_000).default(8_000),
  snapshotTimeoutMs: ms(300_000).default(15_000),
  attemptsPerModel: count(1, 20).default(3),
  backoffBaseMs: ms(60_000).default(1_000),
  backoffMaxMs: ms(600_000).default(20_000),
  maxRetryAfterMs: ms(3_600_000).default(60_000),
  timeoutMs: count(1, 3_600_000).default(90_000),
});

/** Options of the `openrouter()` factory, as written in `showrunner.config.ts`. Defaults are in the README. */
export type OpenRouterOptions = z.input<typeof OptionsSchema>;

/** Options after validation, with defaults filled in and `model` resolved. */
export type ResolvedOptions = Omit<z.output<typeof OptionsSchema>, 'model' | 'attribution'> & {
  model: string;
  /** True when `baseURL` is OpenRouter: a key is required. */
  isOpenRouter: boolean;
  /** Send OpenRouter's app attribution headers (default: only to OpenRouter). */
  attribution: boolean;
};

/**
 * Validate the factory options once, when the config loads, so a bad option fails before any run.
 * Throws SR_CONFIG_INVALID naming the plugin and the option.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  const { model, attribution, ...rest } = parseOptions(OptionsSchema, options, { plugin: PLUGIN_NAME, slot: 'parse' });
  const isOpenRouter = new URL(rest.baseURL).hostname === 'openrouter.ai';
  if (!model && !isOpenRouter) {
    throw new ShowrunnerError('SR_CONFIG_INVALID', `${PLUGIN_NAME}: "model" is required with a custom baseURL.`, {
      plugin: PLUGIN_NAME,
      slot: 'parse',
      field: 'model',
      hint: `Name a model your server at ${rest.baseURL} serves, e.g. openrouter({ baseURL, model: 'llama3.1' }).`,
    });
  }
  return { ...rest, model: model ?? DEFAULT_MODEL, isOpenRouter, attribution: attribution ?? isOpenRouter };
}
