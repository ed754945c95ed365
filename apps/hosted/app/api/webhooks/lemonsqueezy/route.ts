import { json } from '@/src/auth/api';
import { paymentsConfig } from '@/src/billing/lemonsqueezy';
import { handleDelivery } from '@/src/billing/webhook';

/**
 * POST /api/webhooks/lemonsqueezy: LemonSqueezy's subscription, payment and refund events. The raw
 * body is read as bytes (the signature covers them exactly); 401 on a bad `X-Signature`, 200 otherwise
 * (a replay, an unknown event or user are recorded and answered 200 so LemonSqueezy stops retrying).
 * 503 when payments are not configured here (no secret to check against).
 */
export async function POST(req: Request): Promise<Response> {
  const config = paymentsConfig();
  if (!config) {
    return json({ error: { code: 'SR_UNAVAILABLE', message: 'Payments are not configured on this server.' } }, { status: 503 });
  }
  const raw = Buffer.from(await req.arrayBuffer());
  try {
    const result = await handleDelivery(raw, req.headers.get('x-signature'), config.webhookSecret);
    if (result.status === 401) {
      return json({ error: { code: 'SR_UNAUTHORIZED', message: 'The X-Signature does not match the body.' } }, { status: 401 });
    }
    return json({ outcome: result.outcome, event: result.event });
  } catch (err) {
    // Not remembered (the transaction rolled back): LemonSqueezy retries, and the retry applies it.
    console.error('[hosted:billing] SR_BILLING_WEBHOOK: delivery failed', err);
    return json({ error: { code: 'SR_INTERNAL', message: 'The event could not be applied; retry.' } }, { status: 500 });
  }
}
