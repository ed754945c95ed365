import { createHmac } from 'node:crypto';

// LemonSqueezy's webhooks as LemonSqueezy sends them, for the vitest tests (test/billing-*.test.ts)
// and the browser tests: JSON:API bodies shaped like the examples of docs.lemonsqueezy.com/help/webhooks
// (event-types), signed like its servers sign them — `X-Signature` = hex HMAC-SHA256 of the exact
// body bytes with the webhook's signing secret — and posted to /api/webhooks/lemonsqueezy.

/**
 * POST a delivery to `<baseUrl>/api/webhooks/lemonsqueezy` as LemonSqueezy would, signed with `secret`
 * (the server's LEMONSQUEEZY_WEBHOOK_SECRET); resolves to the status and the JSON answer (`{ outcome, event }`).
 */
export async function deliverLemonSqueezy(baseUrl: string, body: string, secret: string) {
  const name = (JSON.parse(body) as { meta: { event_name: string } }).meta.event_name;
  const res = await fetch(new URL('/api/webhooks/lemonsqueezy', baseUrl), {
    method: 'POST',
    headers: lemonSqueezyHeaders(body, secret, name),
    body,
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as { outcome?: string } | undefined };
}

/** The hex HMAC-SHA256 of `body` under `secret`: what LemonSqueezy puts in `X-Signature`. */
export function signLemonSqueezy(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The headers LemonSqueezy sends with a delivery of `body`. */
export function lemonSqueezyHeaders(body: string, secret: string, eventName: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'LemonSqueezy-Hookshot',
    'x-event-name': eventName,
    'x-signature': signLemonSqueezy(body, secret),
  };
}

/** The fields of a subscription a test chooses; the rest get LemonSqueezy-like values. */
export interface SubscriptionFields {
  id: string;
  /** Sent back as `meta.custom_data.user_id` (omit to test the lookup by subscription id). */
  userId?: string;
  variantId: string;
  status: string;
  updatedAt: string;
  renewsAt?: string | null;
  endsAt?: string | null;
  customerId?: string;
  portalUrl?: string;
}

const meta = (eventName: string, userId: string | undefined) => ({
  test_mode: true,
  event_name: eventName,
  webhook_id: 'e2e0c1b2-0000-4000-8000-000000000001',
  ...(userId ? { custom_data: { user_id: userId } } : {}),
});

/** The JSON body of a `subscription_*` event (data.type `subscriptions`). */
export function subscriptionEvent(eventName: string, s: SubscriptionFields): string {
  const customer = s.customerId ?? '900001';
  return JSON.stringify({
    meta: meta(eventName, s.userId),
    data: {
      type: 'subscriptions',
      id: s.id,
      attributes: {
        store_id: 12345,
        customer_id: Number(customer),
        order_id: 700000 + Number(s.id.replace(/\D/g, '') || 0),
        order_item_id: 800001,
        product_id: 330001,
        variant_id: Number(s.variantId),
        product_name: 'Showrunner',
        variant_name: 'Monthly',
        user_name: 'Test Buyer',
        user_email: 'buyer@example.com',
        status: s.status,
        status_formatted: s.status.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
        card_brand: 'visa',
        card_last_four: '4242',
        pause: null,
        cancelled: s.status === 'cancelled',
        trial_ends_at: null,
        billing_anchor: 1,
        urls: {
          update_payment_method: `https://showrunner.lemonsqueezy.com/subscription/${s.id}/payment-details?expires=1&signature=x`,
          customer_portal: s.portalUrl ?? `https://showrunner.lemonsqueezy.com/billing?expires=1&user=${customer}&signature=x`,
          customer_portal_update_subscription: `https://showrunner.lemonsqueezy.com/billing/${s.id}/update?signature=x`,
        },
        renews_at: s.renewsAt ?? null,
        ends_at: s.endsAt ?? null,
        created_at: '2026-11-01T10:00:00.000000Z',
        updated_at: s.updatedAt,
        test_mode: true,
      },
      relationships: {},
      links: { self: `https://api.lemonsqueezy.com/v1/subscriptions/${s.id}` },
    },
  });
}

/** The JSON body of a `subscription_payment_*` event (data.type `subscription-invoices`). */
export function paymentEvent(
  eventName: string,
  p: { invoiceId: string; subscriptionId: string; userId?: string; status: string; updatedAt: string; billingReason?: string },
): string {
  return JSON.stringify({
    meta: meta(eventName, p.userId),
    data: {
      type: 'subscription-invoices',
      id: p.invoiceId,
      attributes: {
        store_id: 12345,
        subscription_id: Number(p.subscriptionId),
        customer_id: 900001,
        user_name: 'Test Buyer',
        user_email: 'buyer@example.com',
        billing_reason: p.billingReason ?? 'renewal',
        card_brand: 'visa',
        card_last_four: '4242',
        currency: 'USD',
        status: p.status,
        status_formatted: p.status,
        refunded: false,
        refunded_at: null,
        subtotal: 1900,
        total: 1900,
        created_at: p.updatedAt,
        updated_at: p.updatedAt,
        test_mode: true,
      },
      links: { self: `https://api.lemonsqueezy.com/v1/subscription-invoices/${p.invoiceId}` },
    },
  });
}

/** The JSON body of `order_refunded` (data.type `orders`). */
export function orderRefundedEvent(o: {
  orderId: string;
  userId?: string;
  variantId: string;
  customerId?: string;
  refundedAt: string;
  status?: string;
}): string {
  return JSON.stringify({
    meta: meta('order_refunded', o.userId),
    data: {
      type: 'orders',
      id: o.orderId,
      attributes: {
        store_id: 12345,
        customer_id: Number(o.customerId ?? '900001'),
        identifier: '104e18a2-d755-4d4b-80c4-a6c1dcbe1c10',
        order_number: 1,
        user_email: 'buyer@example.com',
        currency: 'USD',
        status: o.status ?? 'refunded',
        refunded: (o.status ?? 'refunded') === 'refunded',
        refunded_at: o.refundedAt,
        total: 1900,
        first_order_item: { order_id: Number(o.orderId), product_id: 330001, variant_id: Number(o.variantId), price: 1900 },
        created_at: '2026-11-01T10:00:00.000000Z',
        updated_at: o.refundedAt,
        test_mode: true,
      },
    },
  });
}
