import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from './client';
import { demos, runs, users } from './schema';

// Credits held by runs. A run takes one of its owner's credits when it is created with one left, else
// when its steps are confirmed or a payment arrives (runs.charged = true, in the transaction that took
// it), and gives it back, at most once, when it ends before the recording began. Each of these is a
// single statement, so concurrent callers cannot double-count.

/** Most unfinished demos one user may have without a credit; one more is refused with SR_QUOTA_EXCEEDED. */
export const MAX_AWAITING_PAYMENT = 3;

/** Statuses of a run that has not recorded yet, so may still hold no credit. */
const BEFORE_RECORDING = ['awaiting_payment', 'created', 'awaiting_review', 'approved'];

/**
 * Give the run's credit back if it still holds one and its recording never began (the status hook
 * logs a `status` event with stage `record` when the record stage starts; a demo has one run):
 * `update runs set charged = false … where
 * charged` and `credits + 1` for the owner, in ONE statement, so a second call (the worker's hook
 * after the page's cancel, a replayed failure) finds nothing to refund. Returns true when it refunded.
 * A tombstoned (deleted) user gets nothing back; a run that never took a credit, nothing. Called by
 * cancelDemo, the status hook on failed/cancelled and createDemo when the queue is down.
 */
export async function refundRun(tx: Tx, runId: string): Promise<boolean> {
  const rows = await tx.execute(sql`
    with refunded as (
      update runs set charged = false, updated_at = now()
      where id = ${runId} and charged
        and not exists (
          select 1 from demo_events e
          where e.demo_id = runs.demo_id and e.type = 'status' and e.data->>'stage' = 'record'
        )
      returning demo_id
    )
    update users u set credits = u.credits + (case when u.deleted_at is null then 1 else 0 end), updated_at = now()
    from refunded r join demos d on d.id = r.demo_id
    where u.id = d.owner_id
    returning u.id`);
  return rows.rows.length > 0;
}

/** How many of the user's demos are unfinished and hold no credit (call with the user row locked). */
export async function unpaidCount(tx: Tx, userId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(runs)
    .innerJoin(demos, eq(demos.runId, runs.id))
    .where(and(eq(demos.ownerId, userId), eq(runs.charged, false), inArray(runs.status, BEFORE_RECORDING)));
  return row?.n ?? 0;
}

/**
 * Lock the user's row until the transaction ends (serialises this user's quota decisions): `active`,
 * `deleted` (a tombstone, which has no credits and may wait for nothing), or `absent`.
 */
export async function lockUser(tx: Tx, userId: string): Promise<'active' | 'deleted' | 'absent'> {
  const [row] = await tx.select({ deletedAt: users.deletedAt }).from(users).where(eq(users.id, userId)).for('update');
  if (!row) return 'absent';
  return row.deletedAt ? 'deleted' : 'active';
}

/**
 * The user's oldest demo waiting for payment (its steps confirmed), its run row locked (SKIP LOCKED: a
 * concurrent continueAwaitingDemos takes the next one instead of waiting), or undefined.
 */
export async function oldestAwaiting(
  tx: Tx,
  userId: string,
): Promise<{ demoId: string; runId: string; url: string; title: string; language: string } | undefined> {
  const [row] = await tx
    .select({ demoId: demos.id, runId: runs.id, url: demos.url, title: demos.title, language: demos.language })
    .from(runs)
    .innerJoin(demos, eq(demos.runId, runs.id))
    .where(and(eq(demos.ownerId, userId), eq(runs.status, 'awaiting_payment')))
    .orderBy(asc(demos.createdAt), asc(demos.id))
    .limit(1)
    .for('update', { of: runs, skipLocked: true });
  return row;
}
