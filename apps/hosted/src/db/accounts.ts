import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Tx } from './client';
import { demos, users } from './schema';

// Writes of the Clerk user sync (src/accounts/clerk.ts). Clerk's own `updated_at` orders the profile
// events; a tombstone (deleted_at) outlives the user so nothing brings them back.

/** A profile as a user event carries it. */
export interface Profile {
  email: string | null;
  name: string | null;
  /** Clerk's `updated_at` of the user object in the event. */
  updatedAt: Date;
}

/**
 * Insert the user, or change their email and name when this event is newer than the last applied
 * (users.profile_updated_at; null for a row made on first sign-in) and the user is not tombstoned.
 * One statement. Returns `applied`, or `stale` when nothing changed (older event or tombstone).
 */
export async function upsertProfile(tx: Tx, id: string, profile: Profile, period: string): Promise<'applied' | 'stale'> {
  const rows = await tx
    .insert(users)
    .values({ id, email: profile.email, name: profile.name, profileUpdatedAt: profile.updatedAt, creditsPeriod: period })
    .onConflictDoUpdate({
      target: users.id,
      set: { email: profile.email, name: profile.name, profileUpdatedAt: profile.updatedAt, updatedAt: new Date() },
      setWhere: and(isNull(users.deletedAt), or(isNull(users.profileUpdatedAt), lt(users.profileUpdatedAt, profile.updatedAt))),
    })
    .returning({ id: users.id });
  return rows.length ? 'applied' : 'stale';
}

/**
 * Make the user a tombstone: deleted_at set (kept if already set), email and name cleared, no credits.
 * A user never seen gets a tombstone row too, so a `user.created` arriving later changes nothing.
 */
export async function tombstone(tx: Tx, id: string, now: Date): Promise<void> {
  await tx
    .insert(users)
    .values({ id, deletedAt: now, credits: 0 })
    .onConflictDoUpdate({
      target: users.id,
      set: {
        deletedAt: sql`coalesce(${users.deletedAt}, ${now.toISOString()}::timestamptz)`,
        email: null,
        name: null,
        credits: 0,
      },
    });
}

/** The ids of a user's demos (what purging a deleted user still has to remove). */
export async function demoIdsOf(tx: Tx, ownerId: string): Promise<string[]> {
  const rows = await tx.select({ id: demos.id }).from(demos).where(eq(demos.ownerId, ownerId));
  return rows.map((r) => r.id);
}

/** Whether the user exists and is not tombstoned: `active`, `deleted`, or `absent` (no row yet). */
export async function userState(tx: Tx, id: string): Promise<'active' | 'deleted' | 'absent'> {
  const [row] = await tx.select({ deletedAt: users.deletedAt }).from(users).where(eq(users.id, id));
  if (!row) return 'absent';
  return row.deletedAt ? 'deleted' : 'active';
}
