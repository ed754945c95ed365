import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { type PgColumn, QueryBuilder } from 'drizzle-orm/pg-core';
import type { Tx } from './client';
import { decisions, demoEvents, demos, runs, steps } from './schema';

// Owner-scoped reads and writes of a demo, its run row and its cards. Every function takes the
// owner's id with the demo's id, and every statement filters on demos.owner_id (directly, or through
// `owned()` for the tables that reach their owner through the demo): someone else's demo is simply
// not found. The worker's writes, keyed by run id, are in worker-writes.ts.

export type DemoRow = typeof demos.$inferSelect;
export type RunRow = typeof runs.$inferSelect;
/** A demo with its current run (absent only for a demo whose run row was never written). */
export interface DemoWithRun {
  demo: DemoRow;
  run: RunRow | null;
}

/** `demo_id IN (the demo, if this owner's)`: the filter for tables that reach their owner through demos. */
export const owned = (column: PgColumn, ownerId: string, demoId: string): SQL => inArray(column, ownedDemo(ownerId, demoId));

/** The demo's id if this owner's: a subquery for `owned()` and for the other query modules. */
export function ownedDemo(ownerId: string, demoId: string) {
  return selectIds().where(and(eq(demos.id, demoId), eq(demos.ownerId, ownerId)));
}
// A bare select builder: subqueries need no database.
const qb = new QueryBuilder();
const selectIds = () => qb.select({ id: demos.id }).from(demos);

/** Insert a new demo with its run row (run id = demo id) in `tx`, `created`, charged when a credit was taken. */
export async function insertDemo(
  tx: Tx,
  values: { id: string; ownerId: string; title: string; url: string; description: string; language: string },
  run: { status: 'created' | 'awaiting_payment'; charged: boolean } = { status: 'created', charged: true },
): Promise<DemoWithRun> {
  const [demo] = await tx
    .insert(demos)
    .values({ ...values, runId: values.id })
    .returning();
  const [row] = await tx
    .insert(runs)
    .values({ id: values.id, demoId: values.id, ...run, startedAt: run.status === 'created' ? new Date() : null })
    .returning();
  return { demo: demo!, run: row! };
}

/** One demo of this owner with its run, or undefined. `lock` takes the run row FOR UPDATE (state changes). */
export async function findDemo(tx: Tx, ownerId: string, demoId: string, lock = false): Promise<DemoWithRun | undefined> {
  const where = and(eq(demos.id, demoId), eq(demos.ownerId, ownerId));
  if (lock) {
    // FOR UPDATE cannot lock the nullable side of an outer join: a state change needs the run row anyway.
    const [row] = await tx
      .select({ demo: demos, run: runs })
      .from(demos)
      .innerJoin(runs, eq(runs.id, demos.runId))
      .where(where)
      .for('update', { of: runs });
    return row;
  }
  const [row] = await tx.select({ demo: demos, run: runs }).from(demos).leftJoin(runs, eq(runs.id, demos.runId)).where(where);
  return row;
}

/** This owner's demos with their runs, newest first. */
export function listDemos(tx: Tx, ownerId: string): Promise<DemoWithRun[]> {
  return tx
    .select({ demo: demos, run: runs })
    .from(demos)
    .leftJoin(runs, eq(runs.id, demos.runId))
    .where(eq(demos.ownerId, ownerId))
    .orderBy(desc(demos.createdAt), desc(demos.id));
}

/** Delete this owner's demo (its run, cards, events, decisions and shares go with it). True when there was one. */
export async function deleteDemo(tx: Tx, ownerId: string, demoId: string): Promise<boolean> {
  const gone = await tx
    .delete(demos)
    .where(and(eq(demos.id, demoId), eq(demos.ownerId, ownerId)))
    .returning({ id: demos.id });
  return gone.length > 0;
}

/** Change this owner's run row (only when its status is one of `from`, if given). Returns the new row, or undefined. */
export async function updateRun(
  tx: Tx,
  ownerId: string,
  demoId: string,
  patch: Partial<Omit<RunRow, 'id' | 'demoId' | 'createdAt' | 'updatedAt'>>,
  from?: string[],
): Promise<RunRow | undefined> {
  const where = [owned(runs.demoId, ownerId, demoId), from ? inArray(runs.status, from) : undefined];
  const [row] = await tx
    .update(runs)
    .set(patch)
    .where(and(...where))
    .returning();
  return row;
}

/** The cards of this owner's demo, in order. */
export async function readSteps(tx: Tx, ownerId: string, demoId: string): Promise<unknown[]> {
  const rows = await tx
    .select({ step: steps.step })
    .from(steps)
    .where(owned(steps.demoId, ownerId, demoId))
    .orderBy(asc(steps.position));
  return rows.map((r) => r.step);
}

/** Replace the cards of this owner's demo (call inside a transaction with the ownership check). */
export async function replaceSteps(tx: Tx, ownerId: string, demoId: string, cards: unknown[]): Promise<void> {
  await tx.delete(steps).where(owned(steps.demoId, ownerId, demoId));
  if (cards.length) await tx.insert(steps).values(cards.map((step, position) => ({ demoId, position, step })));
}

/** Record a person's answer to a failed step of this owner's demo. */
export async function insertDecision(
  tx: Tx,
  ownerId: string,
  values: { demoId: string; runId: string; stepId: string; choice: string; text?: string },
): Promise<void> {
  const [mine] = await tx
    .select({ id: demos.id })
    .from(demos)
    .where(and(eq(demos.id, values.demoId), eq(demos.ownerId, ownerId)));
  if (!mine) return;
  await tx.insert(decisions).values({ ...values, by: ownerId });
}

/** Take back a decision whose answer the queue refused (the run had moved on): its row and its event. */
export async function deleteDecisionEvent(tx: Tx, ownerId: string, demoId: string, eventId: number): Promise<void> {
  const [latest] = await tx
    .select({ id: decisions.id })
    .from(decisions)
    .where(owned(decisions.demoId, ownerId, demoId))
    .orderBy(desc(decisions.id))
    .limit(1);
  if (latest) await tx.delete(decisions).where(eq(decisions.id, latest.id));
  await tx.delete(demoEvents).where(and(eq(demoEvents.id, eventId), owned(demoEvents.demoId, ownerId, demoId)));
}
