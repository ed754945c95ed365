import { and, desc, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Tx } from './client';
import { subscriptions, users, webhookEvents } from './schema';

/** A stored subscription row (what the last applied LemonSqueezy event said). */
export type SubscriptionRow = typeof subscriptions.$inferSelect;
/** What a subscription event writes. */
export type SubscriptionState = Omit<typeof subscriptions.$inferInsert, 'createdAt' | 'updatedAt'> & { sourceUpdatedAt: Date };

/**
 * Record a webhook delivery before anything else is done with it (ON CONFLICT DO NOTHING): false when
 * this (source, id) was seen already — a replay, which must change nothing. Inside the caller's
 * transaction, so a delivery whose handling fails is not remembered and LemonSqueezy's retry applies it.
 */
export async function recordDelivery(tx: Tx, source: string, id: string, type: string): Promise<boolean> {
  const rows = await tx
    .insert(webhookEvents)
    .values({ source, id, type })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });
  return rows.length > 0;
}

/** Set what handling a recorded delivery did: applied, stale, ignored, unchanged. */
export async function setOutcome(tx: Tx, source: string, id: string, outcome: string): Promise<void> {
  await tx
    .update(webhookEvents)
    .set({ outcome })
    .where(and(eq(webhookEvents.source, source), eq(webhookEvents.id, id)));
}

/** The subscription, locked for the rest of the transaction (events about it then apply one at a time). */
export async function lockSubscription(tx: Tx, id: string): Promise<SubscriptionRow | undefined> {
  const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id)).for('update');
  return row;
}

/**
 * Write the subscription's new state only if it is newer than what is stored (one statement: INSERT …
 * ON CONFLICT DO UPDATE … WHERE source_updated_at < the new one), so two events racing for a new
 * subscription still end with the newest. Returns false when the stored state was as new or newer.
 */
export async function writeIfNewer(tx: Tx, state: SubscriptionState): Promise<boolean> {
  const { id: _id, ...set } = state;
  const rows = await tx
    .insert(subscriptions)
    .values(state)
    .onConflictDoUpdate({
      target: subscriptions.id,
      set: { ...set, updatedAt: new Date() },
      setWhere: sql`${subscriptions.sourceUpdatedAt} < ${state.sourceUpdatedAt}`,
    })
    .returning({ id: subscriptions.id });
  return rows.length > 0;
}

/** Change the status alone (a payment event: past_due, or active again), keeping the ordering timestamp. */
export async function setStatus(tx: Tx, id: string, status: string): Promise<void> {
  await tx.update(subscriptions).set({ status, updatedAt: new Date() }).where(eq(subscriptions.id, id));
}

/**
 * Mark the user's subscriptions of `variantId` as known up to `at` (a refunded order): a subscription
 * event from before the refund, delivered late, is then stale instead of bringing the plan back.
 */
export async function advanceSubscriptions(tx: Tx, userId: string, variantId: string, at: Date): Promise<void> {
  await tx
    .update(subscriptions)
    .set({ sourceUpdatedAt: sql`greatest(${subscriptions.sourceUpdatedAt}, ${at})`, updatedAt: new Date() })
    .where(and(eq(subscriptions.userId, userId), eq(subscriptions.variantId, variantId)));
}

/** The user of a LemonSqueezy customer, through a subscription stored earlier. */
export async function userOfCustomer(tx: Tx, customerId: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ userId: subscriptions.userId })
    .from(subscriptions)
    .where(eq(subscriptions.customerId, customerId))
    .limit(1);
  return row?.userId;
}

/** The user if it exists and was not deleted (a tombstone gets nothing). */
export async function liveUser(tx: Tx, userId: string): Promise<{ id: string; plan: string } | undefined> {
  const [row] = await tx
    .select({ id: users.id, plan: users.plan })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  return row;
}

/**
 * Another subscription of the user that still gives a paid plan (active, on trial, past due, or
 * cancelled with time left): one subscription ending must not downgrade a user who holds another.
 */
export async function otherPayingSubscription(tx: Tx, userId: string, exceptId: string, now: Date) {
  const [row] = await tx
    .select({ id: subscriptions.id, plan: subscriptions.plan })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.userId, userId),
        ne(subscriptions.id, exceptId),
        or(
          inArray(subscriptions.status, ['active', 'on_trial', 'past_due']),
          and(eq(subscriptions.status, 'cancelled'), gt(subscriptions.endsAt, now)),
        ),
      ),
    )
    .limit(1);
  return row;
}

/** The subscription the billing page shows: the user's most recently changed one. */
export async function latestSubscription(tx: Tx, userId: string): Promise<SubscriptionRow | undefined> {
  const [row] = await tx
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.userId, userId))
    .orderBy(desc(subscriptions.sourceUpdatedAt))
    .limit(1);
  return row;
}

/** Keep a customer-portal link fetched from the API (the billing page, when no webhook stored one). */
export async function setPortalUrl(tx: Tx, id: string, url: string): Promise<void> {
  await tx.update(subscriptions).set({ portalUrl: url, updatedAt: new Date() }).where(eq(subscriptions.id, id));
}

/** Statuses in which LemonSqueezy may still charge the customer (cancelled and expired ones will not). */
const BILLABLE = ['on_trial', 'active', 'past_due', 'unpaid', 'paused'];

/** The ids of the user's subscriptions that may still be charged (a deleted account cancels them). */
export async function billableSubscriptionsOf(tx: Tx, userId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), inArray(subscriptions.status, BILLABLE)));
  return rows.map((r) => r.id);
}
