import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { db, type Tx } from '../db/client';
import { recordDelivery, setOutcome } from '../db/subscriptions';
import { continueAwaitingDemos } from '../pipeline/payment-service';
import { type Applied, applyPayment, applyRefund, applySubscription, type LemonEvent } from './apply';

// POST /api/webhooks/lemonsqueezy, apart from Next: verify, remember, apply, answer. LemonSqueezy
// signs the raw body (`X-Signature` = hex HMAC-SHA256 with the webhook's secret) and sends no event
// id, so the SHA-256 of the raw body — identical on its retries — is the id stored in webhook_events.

/** webhook_events.source of these deliveries. */
export const SOURCE = 'lemonsqueezy';

/** The events applied; any other type is recorded as ignored. */
export const SUBSCRIPTION_EVENTS = [
  'subscription_created',
  'subscription_updated',
  'subscription_cancelled',
  'subscription_resumed',
  'subscription_expired',
  'subscription_paused',
  'subscription_unpaused',
] as const;
export const PAYMENT_EVENTS = [
  'subscription_payment_success',
  'subscription_payment_failed',
  'subscription_payment_recovered',
] as const;

/**
 * True when `signature` is the hex HMAC-SHA256 of `raw` under `secret`. The header must be exactly 64
 * hex digits (Buffer.from(…, 'hex') would stop quietly at a bad character), then the digests are
 * compared with crypto.timingSafeEqual on equal-length buffers.
 */
export function verifySignature(raw: Buffer, signature: string | null, secret: string): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What the route answers: the HTTP status and a small JSON body (LemonSqueezy only looks at the status). */
export interface DeliveryResult {
  status: 200 | 401;
  /** applied, stale, ignored, unchanged; `duplicate` for a replay; `unauthorized` when the signature fails. */
  outcome: string;
  event?: string;
}

/**
 * Handle one delivery: 401 unless the signature matches; then, in ONE transaction, record it in
 * webhook_events (a replay stops here: 200 `duplicate`, nothing changes) and apply it; after the commit,
 * when it changed the account, continue the user's awaiting_payment demos (continueAwaitingDemos only
 * submits to the queue, so the answer stays fast). Called by the route with the raw body.
 */
export async function handleDelivery(
  raw: Buffer,
  signature: string | null,
  secret: string,
  now = new Date(),
): Promise<DeliveryResult> {
  if (!verifySignature(raw, signature, secret)) return { status: 401, outcome: 'unauthorized' };
  const id = createHash('sha256').update(raw).digest('hex');
  const event = parseEvent(raw);
  const name = event?.name ?? 'unparsable';
  const applied = await db().transaction(async (tx): Promise<Applied | 'duplicate'> => {
    if (!(await recordDelivery(tx, SOURCE, id, name))) return 'duplicate';
    const result = await apply(tx, event, now);
    await setOutcome(tx, SOURCE, id, result.outcome);
    return result;
  });
  if (applied === 'duplicate') return { status: 200, outcome: 'duplicate', event: name };
  if (applied.outcome === 'applied' && applied.userId) {
    await continueAwaitingDemos(applied.userId).catch((err: Error) =>
      // The account is credited (committed); a demo that could not go on waits for the next call.
      console.warn(`[hosted:billing] SR_BILLING_CONTINUE: awaiting demos of ${applied.userId}: ${err.message}`),
    );
  }
  return { status: 200, outcome: applied.outcome, event: name };
}

function apply(tx: Tx, event: LemonEvent | undefined, now: Date) {
  if (!event) return Promise.resolve<Applied>({ outcome: 'ignored', reason: 'not a LemonSqueezy event' });
  if ((SUBSCRIPTION_EVENTS as readonly string[]).includes(event.name) && event.type === 'subscriptions') {
    return applySubscription(tx, event, now);
  }
  if ((PAYMENT_EVENTS as readonly string[]).includes(event.name) && event.type === 'subscription-invoices') {
    return applyPayment(tx, event);
  }
  if (event.name === 'order_refunded' && event.type === 'orders') return applyRefund(tx, event, now);
  return Promise.resolve<Applied>({ outcome: 'ignored', reason: `event ${event.name} not handled` });
}

/** The JSON:API body's parts the effects read: `{ meta: { event_name, custom_data }, data: { type, id, attributes } }`. */
export function parseEvent(raw: Buffer): LemonEvent | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  const meta = (body as { meta?: Record<string, unknown> })?.meta;
  const data = (body as { data?: Record<string, unknown> })?.data;
  if (!meta || typeof meta.event_name !== 'string' || !data || typeof data.type !== 'string') return undefined;
  const custom = (meta.custom_data ?? {}) as Record<string, unknown>;
  const attributes = data.attributes && typeof data.attributes === 'object' ? (data.attributes as Record<string, unknown>) : {};
  return {
    name: meta.event_name,
    userId: typeof custom.user_id === 'string' && custom.user_id ? custom.user_id : undefined,
    type: data.type,
    id: String(data.id ?? ''),
    attributes,
  };
}
