import type { Tx } from '../db/client';
import * as subs from '../db/subscriptions';
import { grantPlan, setPlan } from './credits';
import { planOfVariant } from './lemonsqueezy';
import type { PlanId } from './plans';

// What each LemonSqueezy event does to the user's subscription and plan, inside the webhook's one
// transaction. Subscription events carry the whole subscription with its own `updated_at`: one not
// newer than the stored state is stale and changes nothing, so any arrival order ends in the newest
// state. A paid period is granted with the key `sub:<id>:<renews_at>`, which grantPlan applies at
// most once, whichever events (and replays) bring it.

/** What applying an event did, stored as webhook_events.outcome. */
export type Outcome = 'applied' | 'stale' | 'ignored' | 'unchanged';

/** The part of a delivery the effects need (parsed by webhook.ts). */
export interface LemonEvent {
  name: string;
  /** `meta.custom_data.user_id` (the SDK snake-cases the `custom` we sent at checkout). */
  userId?: string;
  type: string;
  id: string;
  attributes: Record<string, unknown>;
}

/** The result: the outcome, and the user whose awaiting demos may continue once the transaction commits. */
export interface Applied {
  outcome: Outcome;
  userId?: string;
  reason?: string;
}

const date = (v: unknown): Date | undefined => {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
};
const str = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
const periodKey = (subscriptionId: string, end: Date | null | undefined) =>
  `sub:${subscriptionId}:${end ? end.toISOString() : 'open'}`;

/** The user an event is about: its custom data, else the stored subscription; undefined if unknown or deleted. */
async function userOf(tx: Tx, custom: string | undefined, stored: string | undefined) {
  for (const id of [custom, stored]) {
    if (id && (await subs.liveUser(tx, id))) return id;
  }
  return undefined;
}

/**
 * subscription_created/updated/cancelled/resumed/expired/paused/unpaused: store the subscription's
 * state if newer, then give the plan its status means (see {@link planEffect}).
 */
export async function applySubscription(tx: Tx, ev: LemonEvent, now: Date): Promise<Applied> {
  const a = ev.attributes;
  const plan = planOfVariant(str(a.variant_id));
  const at = date(a.updated_at);
  const status = str(a.status);
  if (!plan || !at || !status) return { outcome: 'ignored', reason: plan ? 'no updated_at or status' : 'variant of no plan' };
  const stored = await subs.lockSubscription(tx, ev.id);
  const userId = await userOf(tx, ev.userId, stored?.userId);
  if (!userId) return { outcome: 'ignored', reason: 'unknown user' };
  if (stored && stored.sourceUpdatedAt >= at) return { outcome: 'stale', userId };
  const urls = (a.urls ?? {}) as Record<string, unknown>;
  const state = {
    id: ev.id,
    userId,
    plan,
    variantId: str(a.variant_id)!,
    customerId: str(a.customer_id) ?? null,
    status,
    renewsAt: date(a.renews_at) ?? null,
    endsAt: date(a.ends_at) ?? null,
    portalUrl: str(urls.customer_portal) ?? stored?.portalUrl ?? null,
    updatePaymentUrl: str(urls.update_payment_method) ?? stored?.updatePaymentUrl ?? null,
    sourceUpdatedAt: at,
  };
  if (!(await subs.writeIfNewer(tx, state))) return { outcome: 'stale', userId };
  await planEffect(tx, userId, state, now);
  return { outcome: 'applied', userId };
}

/**
 * The plan a subscription's status gives its user. active / on_trial (and cancelled until ends_at):
 * the plan, with the period's allowance granted once; past_due: nothing changes while LemonSqueezy
 * retries the payment; paused, expired, unpaid, or cancelled past its end: free — unless another
 * subscription of the user still pays.
 */
async function planEffect(
  tx: Tx,
  userId: string,
  s: { id: string; plan: PlanId; status: string; renewsAt: Date | null; endsAt: Date | null },
  now: Date,
): Promise<void> {
  const paying =
    s.status === 'active' || s.status === 'on_trial' || (s.status === 'cancelled' && s.endsAt !== null && s.endsAt > now);
  if (paying) {
    await grantPeriod(tx, userId, s.id, s.plan, s.renewsAt ?? s.endsAt);
    return;
  }
  if (s.status === 'past_due') return;
  if (await subs.otherPayingSubscription(tx, userId, s.id, now)) return;
  await setPlan(tx, userId, 'free');
}

/**
 * Grant the period once; when it was granted already, still put the user on the plan (unpaused,
 * resumed, plan changed). True when the user's plan or credits changed.
 */
async function grantPeriod(tx: Tx, userId: string, subscriptionId: string, plan: PlanId, end: Date | null) {
  if (await grantPlan(tx, userId, plan, periodKey(subscriptionId, end))) return true;
  const user = await subs.liveUser(tx, userId);
  if (!user || user.plan === plan) return false;
  await setPlan(tx, userId, plan);
  return true;
}

/**
 * subscription_payment_success/failed/recovered: the body is a subscription invoice; it is ordered by
 * its own `updated_at` against the stored subscription and never moves that subscription's ordering
 * timestamp (the subscription's own events, which LemonSqueezy sends with every change, stay the
 * authority). failed → past_due; success/recovered → active again, and the current period is granted
 * when the stored renewal date is after the invoice (a renewal's new period arrives with subscription_updated).
 */
export async function applyPayment(tx: Tx, ev: LemonEvent): Promise<Applied> {
  const a = ev.attributes;
  const subscriptionId = str(a.subscription_id);
  const at = date(a.updated_at) ?? date(a.created_at);
  if (!subscriptionId || !at) return { outcome: 'ignored', reason: 'no subscription_id or timestamp' };
  const stored = await subs.lockSubscription(tx, subscriptionId);
  // Before its subscription_created nothing is known of the plan or period; that event grants them.
  if (!stored) return { outcome: 'ignored', reason: 'subscription not known yet', userId: ev.userId };
  const userId = await userOf(tx, stored.userId, undefined);
  if (!userId) return { outcome: 'ignored', reason: 'unknown user' };
  if (stored.sourceUpdatedAt >= at) return { outcome: 'stale', userId };
  if (ev.name === 'subscription_payment_failed') {
    if (stored.status !== 'active' && stored.status !== 'on_trial') return { outcome: 'unchanged', userId };
    await subs.setStatus(tx, stored.id, 'past_due');
    return { outcome: 'applied', userId };
  }
  let changed = false;
  if (stored.status === 'past_due' || stored.status === 'unpaid') {
    await subs.setStatus(tx, stored.id, 'active');
    changed = true;
  }
  const active = changed || stored.status === 'active' || stored.status === 'on_trial';
  if (active && stored.renewsAt && stored.renewsAt > at) {
    changed = (await grantPeriod(tx, userId, stored.id, stored.plan as PlanId, stored.renewsAt)) || changed;
  }
  return { outcome: changed ? 'applied' : 'unchanged', userId };
}

/**
 * order_refunded (the whole order; a partial refund changes nothing): the user goes back to free, and
 * their subscriptions of the order's variant are marked known up to the refund, so an older
 * subscription event delivered later is stale.
 */
export async function applyRefund(tx: Tx, ev: LemonEvent, now: Date): Promise<Applied> {
  const a = ev.attributes;
  if (a.status !== 'refunded' && a.refunded !== true) return { outcome: 'ignored', reason: 'not a full refund' };
  const item = (a.first_order_item ?? {}) as Record<string, unknown>;
  const variantId = str(item.variant_id);
  if (!planOfVariant(variantId)) return { outcome: 'ignored', reason: 'variant of no plan' };
  const customer = str(a.customer_id);
  const userId = await userOf(tx, ev.userId, customer ? await subs.userOfCustomer(tx, customer) : undefined);
  if (!userId) return { outcome: 'ignored', reason: 'unknown user' };
  const at = date(a.refunded_at) ?? date(a.updated_at) ?? now;
  await subs.advanceSubscriptions(tx, userId, variantId!, at);
  await setPlan(tx, userId, 'free');
  return { outcome: 'applied', userId };
}
