import { existsSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';

/**
 * The environment a malformed variable was found in: thrown by {@link env} with a stable code and the
 * variable's name, so the worker, `npm run migrate` and the web server all say which one to fix.
 */
export class EnvError extends Error {
  readonly code = 'SR_ENV_INVALID';
  /** The variable at fault, e.g. `DATABASE_URL`. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'EnvError';
    this.variable = variable;
  }
}

// An empty value (`FOO=` in an .env file) means "not set", so a default or `undefined` applies.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const urlWith = (schemes: string[], example: string) =>
  z.string().refine(
    (v) => {
      try {
        return schemes.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a ${schemes.join(' or ')} URL, e.g. ${example}`,
  );
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const Schema = z.object({
  DATABASE_URL: optional(urlWith(['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/showrunner')).default(
    'postgres://postgres@127.0.0.1:5432/showrunner',
  ),
  /** Connections the web server or a worker may hold in its pool (LISTEN uses one more). */
  DATABASE_POOL_MAX: optional(z.coerce.number().int().min(1).max(200)).default(10),
  REDIS_URL: optional(urlWith(['redis:', 'rediss:'], 'redis://127.0.0.1:6379')).default('redis://127.0.0.1:6379'),
  SHOWRUNNER_QUEUE_PREFIX: optional(
    z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, ".", "_" and "-" only (at most 64)'),
  ).default('showrunner'),
  /** Run folders (`runs/`), cached clips (`cache/`) and stored videos (`videos/`) when Supabase is not set. */
  HOSTED_DATA_DIR: optional(z.string().min(1)),
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: optional(z.string().regex(/^pk_(test|live)_/, 'must start with pk_test_ or pk_live_')),
  CLERK_SECRET_KEY: optional(z.string().regex(/^sk_(test|live)_/, 'must start with sk_test_ or sk_live_')),
  CLERK_JWT_KEY: optional(z.string().min(1)),
  CLERK_WEBHOOK_SECRET: optional(z.string().min(1)),
  SUPABASE_URL: optional(urlWith(['http:', 'https:'], 'https://<project-ref>.supabase.co')),
  SUPABASE_SERVICE_ROLE_KEY: optional(z.string().min(1)),
  /** Bucket of the finished videos (Supabase). */
  SUPABASE_BUCKET: optional(z.string().min(1)).default('showrunner'),
  NEXT_PUBLIC_SUPABASE_URL: optional(urlWith(['http:', 'https:'], 'https://<project-ref>.supabase.co')),
  NEXT_PUBLIC_SUPABASE_ANON_KEY: optional(z.string().min(1)),
  OPENROUTER_API_KEY: optional(z.string().min(1)),
  /** Any OpenAI-compatible endpoint instead of OpenRouter (tests point it at a local server). */
  OPENROUTER_BASE_URL: optional(urlWith(['http:', 'https:'], 'https://openrouter.ai/api/v1')),
  OPENROUTER_MODEL: optional(z.string().min(1)),
  /** Addresses untrusted runs may reach although private, e.g. `127.0.0.1:4000` (the examples app in tests). */
  SHOWRUNNER_NETWORK_ALLOW: optional(list).default([]),
  /** Stages `npm run worker` works on (comma list), default all five. */
  WORKER_STAGES: optional(
    list.pipe(z.array(z.enum(['parse', 'tts', 'record', 'merge', 'storage'], 'a stage: parse, tts, record, merge or storage'))),
  ),
  /** How long a web request waits for the queue's Redis before answering SR_UNAVAILABLE. */
  QUEUE_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(120_000)).default(10_000),
  /** Seconds a stopping worker lets its jobs finish before handing them back. */
  WORKER_GRACE_SECONDS: optional(z.coerce.number().int().min(0).max(3600)).default(60),
  /** LemonSqueezy: key, store, webhook secret and at least one variant = payments on, else "not configured" (src/billing/lemonsqueezy.ts). */
  LEMONSQUEEZY_API_KEY: optional(z.string().min(1)),
  LEMONSQUEEZY_STORE_ID: optional(z.string().regex(/^\d+$/, 'the numeric store id')),
  /** The variants that sell the pro and team plans (src/billing/plans.ts). */
  LEMONSQUEEZY_VARIANT_PRO: optional(z.string().regex(/^\d+$/, 'a numeric variant id')),
  LEMONSQUEEZY_VARIANT_TEAM: optional(z.string().regex(/^\d+$/, 'a numeric variant id')),
  /** The signing secret of the store's webhook (6 to 40 characters, as LemonSqueezy allows). */
  LEMONSQUEEZY_WEBHOOK_SECRET: optional(z.string().min(6).max(40)),
  /** Tests only: send the SDK's API requests to this local server instead (src/billing/api-origin.ts). */
  LEMONSQUEEZY_API_URL: optional(urlWith(['http:', 'https:'], 'http://127.0.0.1:4010')),
  /** Time between two retention sweeps of the housekeeping job (expired videos, the free monthly grant). */
  RETENTION_SWEEP_EVERY_MS: optional(
    z.coerce
      .number()
      .int()
      .min(100)
      .max(7 * 24 * 3600 * 1000),
  ).default(3_600_000),
  /** User ids allowed on /admin/queues. */
  ADMIN_USER_IDS: optional(list).default([]),
  NODE_ENV: optional(z.string()).default('development'),
});

/** The hosted app's settings, parsed from the environment. */
export type HostedEnv = Omit<z.output<typeof Schema>, 'HOSTED_DATA_DIR'> & { HOSTED_DATA_DIR: string };

const KEY = Symbol.for('showrunner.hosted.env');
type Holder = { [KEY]?: HostedEnv };

/**
 * The environment, parsed once per process on first use (so tests set `process.env` before calling
 * anything). Throws {@link EnvError} naming the first malformed variable. Called by every module that
 * needs a setting: the database pool, the queue, the hub, the hosted config.
 */
export function env(): HostedEnv {
  const holder = globalThis as Holder;
  if (holder[KEY]) return holder[KEY];
  const parsed = Schema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EnvError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const dataDir = parsed.data.HOSTED_DATA_DIR ? path.resolve(parsed.data.HOSTED_DATA_DIR) : path.join(appRoot(), '.data');
  holder[KEY] = { ...parsed.data, HOSTED_DATA_DIR: dataDir };
  return holder[KEY];
}

/** Forget the parsed environment (tests that change a variable after the first call). */
export function resetEnv(): void {
  delete (globalThis as Holder)[KEY];
}

/**
 * The `apps/hosted` folder: the working directory under `npm run … -w apps/hosted` and `next start`,
 * or `apps/hosted` below it from the repository root. Not import.meta.url: Next bundles this file.
 */
export function appRoot(): string {
  const cwd = process.cwd();
  const below = path.join(cwd, 'apps', 'hosted');
  return path.basename(cwd) !== 'hosted' && existsSync(path.join(below, 'package.json')) ? below : cwd;
}

/** Where run folders, the clip cache and local videos go. */
export const dataDirs = () => {
  const root = env().HOSTED_DATA_DIR;
  return { root, runs: path.join(root, 'runs'), cache: path.join(root, 'cache'), videos: path.join(root, 'videos') };
};
