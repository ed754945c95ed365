import { verifyWebhook } from '@clerk/nextjs/webhooks';
import type { NextRequest } from 'next/server';
import { handleClerkEvent } from '@/src/accounts/clerk';
import { json } from '@/src/auth/api';
import { env } from '@/src/env';

/**
 * POST /api/webhooks/clerk: Clerk's user.created / user.updated / user.deleted, signed the svix way.
 * Verified by Clerk's own verifyWebhook with CLERK_WEBHOOK_SECRET (signature over `id.timestamp.body`,
 * timestamp within 5 minutes): 400 when it does not verify. 200 for an applied, stale, duplicate or
 * ignored event (so Clerk stops retrying); 500 when applying failed (nothing recorded: the retry applies
 * it). 503 when no secret is configured here.
 */
export async function POST(req: NextRequest): Promise<Response> {
  const secret = env().CLERK_WEBHOOK_SECRET;
  if (!secret) {
    return json(
      { error: { code: 'SR_UNAVAILABLE', message: 'CLERK_WEBHOOK_SECRET is not set on this server.' } },
      { status: 503 },
    );
  }
  let event: Awaited<ReturnType<typeof verifyWebhook>>;
  try {
    event = await verifyWebhook(req, { signingSecret: secret });
  } catch (err) {
    return json(
      { error: { code: 'SR_WEBHOOK_SIGNATURE', message: `The delivery does not verify: ${(err as Error).message}` } },
      { status: 400 },
    );
  }
  // verifyWebhook checked the signature over this id, so it is the delivery's own.
  const svixId = req.headers.get('svix-id')!.trim();
  try {
    const outcome = await handleClerkEvent(svixId, event);
    return json({ outcome, event: event.type });
  } catch (err) {
    console.error('[hosted:accounts] SR_CLERK_WEBHOOK: delivery failed', err);
    return json({ error: { code: 'SR_INTERNAL', message: 'The event could not be applied; retry.' } }, { status: 500 });
  }
}
