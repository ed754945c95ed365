import { setTimeout as sleep } from 'node:timers/promises';
import { cancelSubscription, createCheckout, getSubscription, lemonSqueezySetup } from '@lemonsqueezy/lemonsqueezy.js';
import { env } from '../env';
import { HostedError } from '../errors';
import { redirectLemonSqueezy } from './api-origin';
import { PLAN_IDS, type PlanId } from './plans';

// The app's one door to LemonSqueezy's API, through its official SDK. The SDK keeps its API key in a
// module-level slot (lemonSqueezySetup) and calls the global fetch at request time; it has no base-URL
// option, so tests redirect `https://api.lemonsqueezy.com` by wrapping globalThis.fetch.

/** What payments need, all from the environment; undefined = payments are not configured. */
export interface PaymentsConfig {
  apiKey: string;
  storeId: string;
  webhookSecret: string;
  /** LemonSqueezy variant id of each paid plan. */
  variants: Partial<Record<PlanId, string>>;
}

/**
 * The payments settings when the API key, store id, webhook secret and at least one plan variant are
 * set; otherwise undefined, and the billing page and UpgradeButton say "payments are not configured"
 * (a local `npm run hosted` needs no LemonSqueezy account). Called per request (env() is cached).
 */
export function paymentsConfig(): PaymentsConfig | undefined {
  const e = env();
  const variants: Partial<Record<PlanId, string>> = {};
  if (e.LEMONSQUEEZY_VARIANT_PRO) variants.pro = e.LEMONSQUEEZY_VARIANT_PRO;
  if (e.LEMONSQUEEZY_VARIANT_TEAM) variants.team = e.LEMONSQUEEZY_VARIANT_TEAM;
  if (!e.LEMONSQUEEZY_API_KEY || !e.LEMONSQUEEZY_STORE_ID || !e.LEMONSQUEEZY_WEBHOOK_SECRET) return undefined;
  if (Object.keys(variants).length === 0) return undefined;
  return {
    apiKey: e.LEMONSQUEEZY_API_KEY,
    storeId: e.LEMONSQUEEZY_STORE_ID,
    webhookSecret: e.LEMONSQUEEZY_WEBHOOK_SECRET,
    variants,
  };
}

/** The plan a LemonSqueezy variant sells, or undefined for a variant that is not one of ours. */
export function planOfVariant(variantId: string | number | null | undefined): PlanId | undefined {
  if (variantId === null || variantId === undefined) return undefined;
  const variants = paymentsConfig()?.variants ?? {};
  return PLAN_IDS.find((p) => variants[p] === String(variantId));
}

const PORTAL_TIMEOUT_MS = 5000;
let setupKey: string | undefined;
let redirectedTo: string | undefined;

/** The config, with the SDK set up for its API key (once per key); SR_UNAVAILABLE when not configured. */
function ready(): PaymentsConfig {
  const config = paymentsConfig();
  if (!config) throw new HostedError('SR_UNAVAILABLE', 'Payments are not configured on this server.');
  if (setupKey !== config.apiKey) {
    lemonSqueezySetup({ apiKey: config.apiKey });
    setupKey = config.apiKey;
  }
  const apiUrl = env().LEMONSQUEEZY_API_URL;
  if (apiUrl && redirectedTo !== apiUrl) {
    redirectLemonSqueezy(apiUrl);
    redirectedTo = apiUrl;
  }
  return config;
}

/**
 * A checkout for `plan` for this user: createCheckout with the user's id in the custom data (it comes
 * back in every webhook as `meta.custom_data.user_id`), embed on (the overlay), and a return to
 * `/billing?paid=1`. Returns the checkout URL. SR_BAD_REQUEST (field `plan`) for a plan not sold here,
 * SR_UNAVAILABLE when LemonSqueezy does not answer with one. Called by POST /api/billing/checkout.
 */
export async function checkoutUrl(user: { id: string; email?: string | null }, plan: PlanId, appOrigin: string): Promise<string> {
  const config = ready();
  const variantId = config.variants[plan];
  if (!variantId) throw new HostedError('SR_BAD_REQUEST', `The ${plan} plan cannot be bought here.`, { field: 'plan' });
  const { data, error, statusCode } = await createCheckout(config.storeId, variantId, {
    checkoutData: { email: user.email ?? undefined, custom: { user_id: user.id } },
    productOptions: { redirectUrl: new URL('/billing?paid=1', appOrigin).toString() },
    checkoutOptions: { embed: true },
  });
  // On an error the SDK puts the error body in `data`: read the URL only from a success.
  const url = error ? undefined : data?.data?.attributes?.url;
  if (error || !url) {
    throw new HostedError('SR_UNAVAILABLE', 'The payment provider did not create a checkout. Try again in a moment.', {
      cause: new Error(`SR_BILLING_CHECKOUT: LemonSqueezy answered ${statusCode ?? 'nothing'}: ${error?.message ?? 'no url'}`, {
        cause: error,
      }),
    });
  }
  return url;
}

/**
 * The subscription's signed customer-portal link, asked from LemonSqueezy (getSubscription): used by
 * the billing page when the webhook stored none. Undefined when not configured or not answered.
 */
export async function fetchPortalUrl(subscriptionId: string): Promise<string | undefined> {
  if (!paymentsConfig()) return undefined;
  ready();
  // The SDK takes no AbortSignal: a slow LemonSqueezy must not hold the billing page, which then shows
  // the stored link (or none) instead.
  const stop = new AbortController();
  const late = sleep(PORTAL_TIMEOUT_MS, undefined, { signal: stop.signal }).catch(() => undefined);
  const answer = await Promise.race([getSubscription(subscriptionId), late]).finally(() => stop.abort());
  if (!answer) {
    console.warn(
      `[hosted:billing] SR_BILLING_PORTAL: getSubscription(${subscriptionId}) gave no answer in ${PORTAL_TIMEOUT_MS} ms`,
    );
    return undefined;
  }
  const { data, error } = answer;
  if (error) {
    console.warn(`[hosted:billing] SR_BILLING_PORTAL: getSubscription(${subscriptionId}) failed: ${error.message}`);
    return undefined;
  }
  return data?.data?.attributes?.urls?.customer_portal ?? undefined;
}

/**
 * Cancel a subscription at LemonSqueezy (cancelSubscription = DELETE /v1/subscriptions/:id; it ends at
 * the period's end and is never charged again). Called when the account is deleted (src/accounts/clerk.ts).
 * Returns false, with an SR_BILLING_CANCEL warning, when payments are not configured or LemonSqueezy
 * refuses: a replayed `user.deleted` tries again.
 */
export async function cancelAtLemonSqueezy(subscriptionId: string): Promise<boolean> {
  if (!paymentsConfig()) {
    console.warn(`[hosted:billing] SR_BILLING_CANCEL: subscription ${subscriptionId} not cancelled: payments are not configured`);
    return false;
  }
  ready();
  const { error, statusCode } = await cancelSubscription(subscriptionId);
  if (error) {
    console.warn(
      `[hosted:billing] SR_BILLING_CANCEL: subscription ${subscriptionId}: LemonSqueezy answered ${statusCode}: ${error.message}`,
    );
    return false;
  }
  return true;
}
