import { parseOptions, SAFE_ID, SAFE_ID_RULE, ShowrunnerError } from '@showrunner/core';
import * as z from 'zod';

/** The plugin's npm name: appears in every error and log line. */
export const PLUGIN_NAME = '@showrunner/plugin-supabase';
/** Supabase's resumable endpoint takes 6 MiB chunks only ("do not change it", its docs say). */
export const TUS_CHUNK_BYTES = 6 * 1024 * 1024;
/** Largest file sent in one request: Supabase recommends resumable uploads above 6 MB. */
export const DEFAULT_RESUMABLE_THRESHOLD = 6 * 1024 * 1024;
/** Most keys one `DELETE /object/<bucket>` may name (Storage's default delete limit). */
export const DELETE_BATCH = 1000;

/**
 * Gives the first path segment of a run's published files, e.g. the user id that owns the run.
 * Called once per storage attempt, before any upload.
 */
export type OwnerFn = (runId: string) => string | Promise<string>;

const ms = (max: number) => z.number().int().min(0).max(max);
const seconds = (max: number) => z.number().int().min(1).max(max);
// Bucket names as Storage accepts them (storage-js isValidBucketName), without spaces.
const BUCKET = /^[\w!.*'()&$@=;:+,?-]{1,100}$/;
const SEGMENTS = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}._-]*(\/[\p{L}\p{N}][\p{L}\p{M}\p{N}._-]*)*$/u;

/** Where the bucket is, and how hard to try: shared by `supabaseStorage` and `supabaseFiles`. */
const Connection = {
  url: z.url({ protocol: /^https?$/ }).optional(),
  serviceKey: z.string().min(1).optional(),
  retries: z.number().int().min(0).max(10).default(4),
  backoffBaseMs: ms(60_000).default(500),
  backoffMaxMs: ms(600_000).default(8_000),
  maxRetryAfterMs: ms(3_600_000).default(30_000),
  requestTimeoutMs: z.number().int().min(100).max(3_600_000).default(120_000),
  resumableThresholdBytes: z
    .number()
    .int()
    .min(0)
    .max(50 * 1024 * 1024)
    .default(DEFAULT_RESUMABLE_THRESHOLD),
  cacheControl: seconds(31_536_000).default(3600),
};

const StorageSchema = z.strictObject({
  ...Connection,
  bucket: z.string().regex(BUCKET, 'a Storage bucket name').default('showrunner'),
  owner: z
    .union([
      z.string().regex(SAFE_ID, SAFE_ID_RULE),
      z.custom<OwnerFn>((v) => typeof v === 'function', 'a path segment or a function (runId) => string'),
    ])
    .default('demos'),
  public: z.boolean().default(false),
  signedUrlExpiresIn: seconds(10 * 365 * 24 * 3600).default(7 * 24 * 3600),
  concurrency: z.number().int().min(1).max(16).default(4),
});

const FilesSchema = z.strictObject({
  ...Connection,
  bucket: z.string().regex(BUCKET, 'a Storage bucket name').default('showrunner'),
  prefix: z.string().regex(SEGMENTS, `segments of ${SAFE_ID_RULE}, joined by "/"`).default('runs'),
  concurrency: z.number().int().min(1).max(64).default(8),
});

/** Options of `supabaseStorage()`, as written in `showrunner.config.ts`. Defaults are in the README. */
export type SupabaseStorageOptions = z.input<typeof StorageSchema>;
/** Options of `supabaseFiles()`. Defaults are in the README. */
export type SupabaseFilesOptions = z.input<typeof FilesSchema>;
export type StorageResolved = z.output<typeof StorageSchema>;
export type FilesResolved = z.output<typeof FilesSchema>;
/** The connection part of either, after validation. */
export type ConnectionResolved = Omit<FilesResolved, 'prefix' | 'concurrency'>;

/** Validate `supabaseStorage()` options when the config loads (SR_CONFIG_INVALID naming the option). */
export function resolveStorageOptions(options: unknown): StorageResolved {
  return parseOptions(StorageSchema, options, { plugin: PLUGIN_NAME, slot: 'storage' });
}

/** Validate `supabaseFiles()` options when the worker starts. */
export function resolveFilesOptions(options: unknown): FilesResolved {
  return parseOptions(FilesSchema, options, { plugin: PLUGIN_NAME, slot: 'files' });
}

/** Project URL and service key, from the options or the environment. */
export interface Credentials {
  url: string;
  serviceKey: string;
}

/**
 * The project URL and key: the options, else `SUPABASE_URL` / `SUPABASE_SERVICE_ROLE_KEY`. Read at the
 * first transfer, not at config load, so a config naming this plugin still loads where no stage stores.
 * SR_CONFIG_INVALID names what is missing.
 */
export function resolveCredentials(options: { url?: string; serviceKey?: string }, slot: string): Credentials {
  const url = options.url ?? process.env.SUPABASE_URL?.trim();
  const serviceKey = options.serviceKey ?? process.env.SUPABASE_SERVICE_ROLE_KEY?.trim();
  const missing = [!url && 'url (or SUPABASE_URL)', !serviceKey && 'serviceKey (or SUPABASE_SERVICE_ROLE_KEY)'].filter(Boolean);
  if (missing.length) {
    throw new ShowrunnerError('SR_CONFIG_INVALID', `${PLUGIN_NAME}: no Supabase ${missing.join(' and no ')} is set.`, {
      plugin: PLUGIN_NAME,
      slot,
      field: !url ? 'url' : 'serviceKey',
      hint: 'Pass { url, serviceKey } or set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (Project Settings → API).',
    });
  }
  if (!/^https?:\/\/[^/]/i.test(url!) || !URL.canParse(url!)) {
    throw new ShowrunnerError(
      'SR_CONFIG_INVALID',
      `${PLUGIN_NAME}: the Supabase URL "${url!.slice(0, 80)}" is not an http(s) URL.`,
      {
        plugin: PLUGIN_NAME,
        slot,
        field: 'url',
        hint: 'Use the project URL, e.g. https://<project-ref>.supabase.co',
      },
    );
  }
  return { url: url!.replace(/\/+$/, ''), serviceKey: serviceKey! };
}
