import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { DemoEvent } from '../pipeline/types';
import type { Tx } from './client';
import { owned } from './demos';
import { demoEvents } from './schema';

/** Most events one read returns (a page replaying a long run asks again from the last id). */
export const EVENTS_PAGE = 500;

export type EventType = DemoEvent['type'];

/**
 * Append an event to a demo's log, inside `tx` (keep it short: the demo's other writers wait for it). The AFTER INSERT trigger NOTIFYs `showrunner_events` with
 * `{ id, demoId }` when the transaction commits. Callers have checked who owns the demo (the service
 * in the same transaction) or hold its run (a worker's status hook). Returns the event id.
 */
export async function insertEvent(tx: Tx, demoId: string, type: EventType, data: Record<string, unknown>): Promise<number> {
  // One writer per demo until commit: ids then commit in order, so a reader that has seen id n never
  // sees a smaller id of the same demo appear later (the hub reads "after the last id it saw").
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${demoId}, 0))`);
  const [row] = await tx.insert(demoEvents).values({ demoId, type, data }).returning({ id: demoEvents.id });
  return row!.id;
}

const toEvent = (row: typeof demoEvents.$inferSelect): DemoEvent => ({
  id: row.id,
  type: row.type as EventType,
  data: row.data as Record<string, unknown>,
  at: row.createdAt.toISOString(),
});

/** This owner's demo's events after `afterId`, oldest first (at most EVENTS_PAGE). */
export async function eventsAfter(tx: Tx, ownerId: string, demoId: string, afterId: number): Promise<DemoEvent[]> {
  const rows = await tx
    .select()
    .from(demoEvents)
    .where(and(owned(demoEvents.demoId, ownerId, demoId), gt(demoEvents.id, afterId)))
    .orderBy(asc(demoEvents.id))
    .limit(EVENTS_PAGE);
  return rows.map(toEvent);
}

/**
 * A demo's events after `afterId`, oldest first, without an owner: only for the realtime hub, whose
 * subscribers were checked by the service when they subscribed.
 */
export async function eventsAfterForHub(tx: Tx, demoId: string, afterId: number): Promise<DemoEvent[]> {
  const rows = await tx
    .select()
    .from(demoEvents)
    .where(and(eq(demoEvents.demoId, demoId), gt(demoEvents.id, afterId)))
    .orderBy(asc(demoEvents.id))
    .limit(EVENTS_PAGE);
  return rows.map(toEvent);
}

/** The id of this owner's demo's newest event (0 when none). */
export async function lastEventId(tx: Tx, ownerId: string, demoId: string): Promise<number> {
  const [row] = await tx
    .select({ id: demoEvents.id })
    .from(demoEvents)
    .where(owned(demoEvents.demoId, ownerId, demoId))
    .orderBy(desc(demoEvents.id))
    .limit(1);
  return row?.id ?? 0;
}
