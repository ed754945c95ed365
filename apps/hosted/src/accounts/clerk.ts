import type { UserJSON, WebhookEvent } from '@clerk/nextjs/server';
import { freePeriod } from '../billing/credits';
import { cancelAtLemonSqueezy } from '../billing/lemonsqueezy';
import { demoIdsOf, type Profile, tombstone, upsertProfile } from '../db/accounts';
import { db } from '../db/client';
import { billableSubscriptionsOf, recordDelivery, setOutcome, setStatus } from '../db/subscriptions';
import { deleteDemo } from '../pipeline/demo-service';

// Clerk's user events, after the route verified them (verifyWebhook). Each delivery is recorded in
// webhook_events under its svix-id first, in the same transaction as its effect: a replay changes
// nothing. Profile events apply only when newer than what is stored (Clerk's `updated_at`), so events
// arriving out of order end in the same state; `user.deleted` leaves a tombstone that no later event undoes.

/** webhook_events.source of these deliveries. */
export const SOURCE = 'clerk';

/** What handling a delivery did (stored as webhook_events.outcome, answered in the JSON body). */
export type ClerkOutcome = 'applied' | 'stale' | 'ignored' | 'duplicate';

/**
 * Apply one verified Clerk event delivered with `svixId`. A `user.deleted` (also on a replay, so a
 * delivery whose clean-up failed halfway finishes on Clerk's retry) then removes what the user had:
 * every demo through deleteDemo (its queued run cancelled, run folder, local video files and Supabase
 * objects removed, then its rows with their shares). Called by POST /api/webhooks/clerk.
 */
export async function handleClerkEvent(svixId: string, event: WebhookEvent, now = new Date()): Promise<ClerkOutcome> {
  const outcome = await db().transaction(async (tx): Promise<ClerkOutcome> => {
    if (!(await recordDelivery(tx, SOURCE, svixId, event.type))) return 'duplicate';
    let result: ClerkOutcome = 'ignored';
    if (event.type === 'user.created' || event.type === 'user.updated') {
      result = await upsertProfile(tx, event.data.id, profileOf(event.data), freePeriod(now));
    } else if (event.type === 'user.deleted' && event.data.id) {
      await tombstone(tx, event.data.id, now);
      result = 'applied';
    }
    await setOutcome(tx, SOURCE, svixId, result);
    return result;
  });
  if (event.type === 'user.deleted' && event.data.id) await purgeUser(event.data.id);
  return outcome;
}

/**
 * Remove what a (tombstoned) user had: their LemonSqueezy subscriptions are cancelled (a deleted account
 * is never charged again), then every demo goes, files first. Idempotent: a second call finds nothing
 * left to do, except a cancellation LemonSqueezy refused the first time, which it tries again.
 */
export async function purgeUser(userId: string): Promise<number> {
  for (const id of await billableSubscriptionsOf(db(), userId)) {
    if (await cancelAtLemonSqueezy(id)) await setStatus(db(), id, 'cancelled');
  }
  const ids = await demoIdsOf(db(), userId);
  for (const id of ids) await deleteDemo(userId, id);
  return ids.length;
}

/** The email (the primary address) and display name of a Clerk user object, with its updated_at. */
export function profileOf(user: UserJSON): Profile {
  const primary = user.email_addresses?.find((e) => e.id === user.primary_email_address_id) ?? user.email_addresses?.[0];
  const full = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return {
    email: primary?.email_address ?? null,
    name: full || user.username || null,
    updatedAt: new Date(user.updated_at),
  };
}
