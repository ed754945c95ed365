import { and, asc, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Tx } from './client';
import { demos, runs, users } from './schema';

// The retention sweep's reads and writes (src/billing/retention.ts).

/** A demo past its expiry whose files are still there, with its run's stored result. */
export interface Expiring {
  demoId: string;
  runId: string;
  result: unknown;
}

/** Up to `limit` demos whose expires_at is at or before `now` and not expired yet, oldest expiry first. */
export function expiringDemos(tx: Tx, now: Date, limit: number): Promise<Expiring[]> {
  return tx
    .select({ demoId: demos.id, runId: runs.id, result: runs.result })
    .from(demos)
    .innerJoin(runs, eq(runs.id, demos.runId))
    .where(and(lte(demos.expiresAt, now), isNull(demos.expiredAt)))
    .orderBy(asc(demos.expiresAt))
    .limit(limit);
}

/**
 * Mark the demo expired at `now`, if it still is due then (a plan upgrade may have moved or cleared its
 * expiry since it was read). Returns true when it did. The demo row is locked for the transaction.
 */
export async function markExpired(tx: Tx, demoId: string, now: Date): Promise<boolean> {
  const rows = await tx
    .update(demos)
    .set({ expiredAt: now, updatedAt: now })
    .where(and(eq(demos.id, demoId), isNull(demos.expiredAt), lte(demos.expiresAt, now)))
    .returning({ id: demos.id });
  return rows.length > 0;
}

/**
 * Free users (not tombstoned) whose last grant is not this period's, after `afterId` in id order (the
 * sweep pages through them): who the monthly sweep grants.
 */
export async function freeUsersToGrant(tx: Tx, period: string, afterId: string, limit: number): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.plan, 'free'),
        isNull(users.deletedAt),
        sql`${users.creditsPeriod} is distinct from ${period}`,
        gt(users.id, afterId),
      ),
    )
    .orderBy(asc(users.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Lock the user's row if they are still on the free plan (a payment in between upgraded them: false). */
export async function lockFreeUser(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, id), eq(users.plan, 'free'), isNull(users.deletedAt)))
    .for('update');
  return rows.length > 0;
}
