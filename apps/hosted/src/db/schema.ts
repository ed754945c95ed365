import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
  /** Demos this user may still create (taken in one statement by createDemo). */
  credits: integer('credits').notNull().default(3),
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
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index('demos_owner_created').on(t.ownerId, t.createdAt)],
);

/**
 * One run of a demo, summarised from the worker's hooks for the dashboard and the demo page.
 * `status` uses core's run statuses: created, awaiting_review, approved, running, paused, done,
 * failed, cancelled.
 */
export const runs = pgTable('runs', {
  id: text('id').primaryKey(),
  demoId: uuid('demo_id')
    .notNull()
    .references(() => demos.id, { onDelete: 'cascade' }),
  status: text('status').notNull().default('created'),
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
