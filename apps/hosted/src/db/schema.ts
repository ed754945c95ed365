import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// The hosted app's tables. The engine's own state (plan, attempts, leases, decisions) lives in the
// run store on Redis; these tables are what the web pages read and write: who owns what, the step
// cards being edited, a summary of each run for the dashboard, the event log behind live status,
// and share links. Every row reaches its owner through `demos.owner_id`.

const created = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updated = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** A person who signed in (Clerk user id, or `dev_<name>` in development mode). */
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email'),
  name: text('name'),
  /** Demos this user may still create in this period (taken in one statement by createDemo). */
  credits: integer('credits').notNull().default(3),
  /** The plan (src/billing/plans.ts): free, pro or team; set by the LemonSqueezy webhook. */
  plan: text('plan').notNull().default('free'),
  /**
   * The allowance last granted, e.g. `free:2026-12` or `sub:<subscription id>:<period end ISO>`: a
   * grant with the same key is never applied twice (replayed or out-of-order webhooks, the monthly sweep).
   */
  creditsPeriod: text('credits_period'),
  /** Clerk's `updated_at` of the last user event applied: an older event changes nothing. */
  profileUpdatedAt: timestamp('profile_updated_at', { withTimezone: true }),
  /** Set by `user.deleted`: the row stays as a tombstone so a late or replayed event cannot bring the user back. */
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  createdAt: created(),
  updatedAt: updated(),
});

/** What a person asked for: a URL, a description, and the run that makes the video. */
export const demos = pgTable(
  'demos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    url: text('url').notNull(),
    description: text('description').notNull(),
    /** BCP 47, e.g. `en`. */
    language: text('language').notNull().default('en'),
    /** The current run (core's run id); a demo is re-recorded by a new run. */
    runId: text('run_id').unique(),
    /** When the video's files go (finished_at + the owner's plan retention); null = kept. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** When the retention job removed the files (the share page and the dashboard say so). */
    expiredAt: timestamp('expired_at', { withTimezone: true }),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index('demos_owner_created').on(t.ownerId, t.createdAt)],
);

/**
 * One run of a demo, summarised from the worker's hooks for the dashboard and the demo page.
 * `status` uses core's run statuses: created, awaiting_review, approved, running, paused, done,
 * failed, cancelled; plus the hosted app's `awaiting_payment` (steps confirmed without a credit: it
 * waits at review in the queue and is approved when a payment credits the account). `charged`: the
 * run holds one of its owner's credits.
 */
export const runs = pgTable('runs', {
  id: text('id').primaryKey(),
  demoId: uuid('demo_id')
    .notNull()
    .references(() => demos.id, { onDelete: 'cascade' }),
  status: text('status').notNull().default('created'),
  /** The run holds one of its owner's credits; set false again in the one statement that refunds it. */
  charged: boolean('charged').notNull().default(false),
  /** The stage running now (parse, tts, record, merge, storage), if any. */
  stage: text('stage'),
  /** Record stage: index of the step being performed, and how many there are. */
  stepIndex: integer('step_index'),
  stepCount: integer('step_count'),
  /** 0..1 within the current stage. */
  progress: real('progress'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  /** The step waiting for a decision while paused: { stepId, index, code, message, screenshot, pageUrl, attempt }. */
  failure: jsonb('failure'),
  /** The storage stage's output once done: { url, files: [{ role, path, url, contentType }] } plus durationMs. */
  result: jsonb('result'),
  durationMs: integer('duration_ms'),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  createdAt: created(),
  updatedAt: updated(),
});

/** The step cards of a demo at review, in order: each `step` is a core Step (validated on save). */
export const steps = pgTable(
  'steps',
  {
    demoId: uuid('demo_id')
      .notNull()
      .references(() => demos.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    step: jsonb('step').notNull(),
  },
  (t) => [primaryKey({ columns: [t.demoId, t.position] })],
);

/** Answers given to failed steps, with who gave them. */
export const decisions = pgTable('decisions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  demoId: uuid('demo_id')
    .notNull()
    .references(() => demos.id, { onDelete: 'cascade' }),
  runId: text('run_id').notNull(),
  stepId: text('step_id').notNull(),
  /** skip, retry or describe. */
  choice: text('choice').notNull(),
  /** The sentence of a `describe` answer. */
  text: text('text'),
  by: text('by').notNull(),
  createdAt: created(),
});

/** Public links to a finished video; a revoked link stays (its page says so). */
export const shares = pgTable('shares', {
  token: text('token').primaryKey(),
  demoId: uuid('demo_id')
    .notNull()
    .references(() => demos.id, { onDelete: 'cascade' }),
  createdAt: created(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/**
 * Everything the demo page shows live, in order: status changes, step progress, failures,
 * decisions. An AFTER INSERT trigger NOTIFYs `showrunner_events` with `{ id, demoId }`; the id is
 * the SSE event id a reconnecting page sends back as Last-Event-ID.
 */
export const demoEvents = pgTable(
  'demo_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    demoId: uuid('demo_id')
      .notNull()
      .references(() => demos.id, { onDelete: 'cascade' }),
    /** status, step, progress, failure, decision, steps (the cards changed). */
    type: text('type').notNull(),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
    createdAt: created(),
  },
  (t) => [index('demo_events_demo_id').on(t.demoId, t.id)],
);

/**
 * The owner's LemonSqueezy subscription, as the last applied webhook described it. Events can arrive
 * out of order: one whose subscription `updated_at` is older than `sourceUpdatedAt` changes nothing.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    /** LemonSqueezy's subscription id. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Our plan for the subscribed variant (src/billing/plans.ts). */
    plan: text('plan').notNull(),
    variantId: text('variant_id').notNull(),
    customerId: text('customer_id'),
    /** LemonSqueezy's status: on_trial, active, paused, past_due, unpaid, cancelled, expired. */
    status: text('status').notNull(),
    renewsAt: timestamp('renews_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    /** Signed customer-portal and update-payment links from the subscription's `urls`. */
    portalUrl: text('portal_url'),
    updatePaymentUrl: text('update_payment_url'),
    /** The subscription's own `updated_at` in the last applied event (ordering of events). */
    sourceUpdatedAt: timestamp('source_updated_at', { withTimezone: true }).notNull(),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index('subscriptions_user').on(t.userId)],
);

/**
 * Every webhook delivery seen, by source (`clerk`, `lemonsqueezy`) and event id (svix-id for Clerk; for
 * LemonSqueezy, which sends no id, the SHA-256 of the raw body, identical on its retries). Inserting
 * first (ON CONFLICT DO NOTHING) is what makes a replay change nothing.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    source: text('source').notNull(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    /** applied, stale (older than what is stored), ignored (unknown type or user) … */
    outcome: text('outcome').notNull().default('received'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.source, t.id] })],
);
