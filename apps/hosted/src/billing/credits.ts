import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { demos, runs, users } from '../db/schema';
import { PLANS, type PlanId, planOf } from './plans';

// A user's plan and credits change only here: the LemonSqueezy webhook (billing) grants a paid period
// or downgrades, the retention sweep grants free users their month. Both run inside the caller's
// transaction, each change in one statement, so a replayed or concurrent grant cannot apply twice.

/**
 * Grant a plan's allowance for one period, at most once per `periodKey` (one UPDATE … WHERE
 * credits_period IS DISTINCT FROM $key): sets users.plan = plan, credits = PLANS[plan].demosPerPeriod
 * (unused credits don't roll over), credits_period = periodKey, and recomputes demos.expires_at of
 * the user's finished, unexpired demos from the new plan's retention. Returns true when it granted.
 * A tombstoned (deleted) user is never granted anything. Called by the LemonSqueezy webhook (billing)
 * and the monthly free sweep (src/billing/retention.ts); the caller then runs continueAwaitingDemos
 * after its transaction commits.
 */
export async function grantPlan(tx: Tx, userId: string, plan: PlanId, periodKey: string): Promise<boolean> {
  const granted = await tx
    .update(users)
    .set({ plan, credits: PLANS[plan].demosPerPeriod, creditsPeriod: periodKey, updatedAt: new Date() })
    .where(and(eq(users.id, userId), isNull(users.deletedAt), sql`${users.creditsPeriod} is distinct from ${periodKey}`))
    .returning({ id: users.id });
  if (!granted.length) return false;
  await recomputeExpiry(tx, userId, plan);
  return true;
}

/** The free allowance's period key of a date: `free:<YYYY-MM>` (UTC), the key the monthly sweep grants with. */
export const freePeriod = (now: Date): string => `free:${now.toISOString().slice(0, 7)}`;

/**
 * Change the plan without a new allowance (a downgrade when a subscription expires or its cancel
 * takes effect): plan = `plan`, credits = least(credits, the plan's quota), expiry recomputed.
 * Called by the LemonSqueezy webhook (billing).
 */
export async function setPlan(tx: Tx, userId: string, plan: PlanId): Promise<void> {
  const changed = await tx
    .update(users)
    .set({ plan, credits: sql`least(${users.credits}, ${PLANS[plan].demosPerPeriod})`, updatedAt: new Date() })
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .returning({ id: users.id });
  if (changed.length) await recomputeExpiry(tx, userId, plan);
}

/**
 * demos.expires_at of the user's finished demos whose files are still there: finished_at + the
 * plan's retention days, or null (kept) on a plan without a limit. Called on a plan change.
 */
export async function recomputeExpiry(tx: Tx, userId: string, plan: PlanId): Promise<void> {
  const days = planOf(plan).retentionDays;
  await tx
    .update(demos)
    .set({ expiresAt: days === null ? null : sql`${runs.finishedAt} + make_interval(days => ${days}::int)` })
    .from(runs)
    .where(
      and(
        eq(runs.id, demos.runId),
        eq(demos.ownerId, userId),
        eq(runs.status, 'done'),
        isNull(demos.expiredAt),
        sql`${runs.finishedAt} is not null`,
      ),
    );
}

/**
 * Set the expiry of the demo whose run just finished: finished_at + its owner's plan retention (null
 * when unlimited), in one statement reading the owner's current plan. Called by the status hook when a
 * run is done, in the same transaction as the `done` row.
 */
export async function setExpiryOnDone(tx: Tx, runId: string): Promise<void> {
  const days = sql.join(
    Object.values(PLANS).map((p) => sql`when ${p.id} then ${p.retentionDays}::int`),
    sql` `,
  );
  // An unknown plan id counts as free (planOf), hence the else branch.
  await tx.execute(sql`
    update demos d set expires_at = r.finished_at + make_interval(days => (case u.plan ${days} else ${PLANS.free.retentionDays}::int end))
    from runs r, users u
    where r.id = ${runId} and d.run_id = r.id and u.id = d.owner_id and r.status = 'done' and d.expired_at is null`);
}
