import { eq } from 'drizzle-orm';
import { db } from '../db/client';
import { users } from '../db/schema';
import { latestSubscription, setPortalUrl } from '../db/subscriptions';
import { HostedError } from '../errors';
import { checkoutUrl, fetchPortalUrl, paymentsConfig } from './lemonsqueezy';
import { PLAN_IDS, type Plan, type PlanId, planOf } from './plans';

// What the billing page and the checkout route call, scoped to the signed-in user.

/** The billing page's data. */
export interface BillingOverview {
  plan: Plan;
  /** LemonSqueezy's subscription status (active, on_trial, cancelled, past_due, paused, expired, unpaid), or `free`. */
  status: string;
  /** Next renewal (an active subscription), or the first day of next month on free. */
  renewsAt?: Date;
  /** When a cancelled subscription's plan ends. */
  endsAt?: Date;
  /** This period: the plan's allowance, what is left, and so what was used. */
  allowance: number;
  credits: number;
  used: number;
  /** The customer portal (manage, cancel, invoices) and the update-payment link, when subscribed. */
  portalUrl?: string;
  updatePaymentUrl?: string;
  /** False when LemonSqueezy is not configured on this server (no checkout, plainly said). */
  paymentsConfigured: boolean;
  /** Plans above the current one that can be bought here. */
  upgrades: Plan[];
}

// LemonSqueezy's customer-portal links are signed and valid for 24 hours.
const PORTAL_FRESH_MS = 23 * 3600_000;

/** The signed-in user's plan, subscription and usage for `/billing`. */
export async function billingOverview(userId: string, now = new Date()): Promise<BillingOverview> {
  const [user] = await db().select({ plan: users.plan, credits: users.credits }).from(users).where(eq(users.id, userId));
  const plan = planOf(user?.plan);
  const credits = user?.credits ?? 0;
  const sub = await latestSubscription(db(), userId);
  const config = paymentsConfig();
  let portalUrl = sub?.portalUrl ?? undefined;
  if (sub && config && (!portalUrl || now.getTime() - sub.updatedAt.getTime() > PORTAL_FRESH_MS)) {
    const fresh = await fetchPortalUrl(sub.id);
    if (fresh) {
      await setPortalUrl(db(), sub.id, fresh);
      portalUrl = fresh;
    }
  }
  const rank = PLAN_IDS.indexOf(plan.id);
  const onSubscription = sub && plan.id !== 'free';
  return {
    plan,
    status: onSubscription ? sub.status : 'free',
    renewsAt: onSubscription ? (sub.renewsAt ?? undefined) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
    endsAt: onSubscription && sub.status === 'cancelled' ? (sub.endsAt ?? undefined) : undefined,
    allowance: plan.demosPerPeriod,
    credits,
    used: Math.max(0, plan.demosPerPeriod - credits),
    portalUrl,
    updatePaymentUrl: sub?.updatePaymentUrl ?? undefined,
    paymentsConfigured: config !== undefined,
    upgrades: PLAN_IDS.slice(rank + 1)
      .filter((p) => config?.variants[p])
      .map((p) => planOf(p)),
  };
}

/** A checkout URL for `plan` (POST /api/billing/checkout); SR_UNAVAILABLE when payments are off. */
export async function startCheckout(userId: string, plan: PlanId, appOrigin: string): Promise<string> {
  if (!paymentsConfig()) throw new HostedError('SR_UNAVAILABLE', 'Payments are not configured on this server.');
  const [user] = await db().select({ email: users.email }).from(users).where(eq(users.id, userId));
  return checkoutUrl({ id: userId, email: user?.email }, plan, appOrigin);
}
