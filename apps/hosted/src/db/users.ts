import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { freePeriod } from '../billing/credits';
import type { Tx } from './client';
import { demos, runs, users } from './schema';

/**
 * Insert the signed-in user on their first request; later calls only fill in an email or name that
 * was unknown (or changed). Idempotent. Called by ensureUser in the service.
 */
export async function upsertUser(tx: Tx, id: string, profile: { email?: string; name?: string } = {}): Promise<void> {
  // A new user's first month is granted by their default credits: the monthly sweep starts next month.
  const values = { id, email: profile.email, name: profile.name, creditsPeriod: freePeriod(new Date()) };
  if (profile.email === undefined && profile.name === undefined) {
    await tx.insert(users).values(values).onConflictDoNothing({ target: users.id });
    return;
  }
  await tx
    .insert(users)
    .values(values)
    .onConflictDoUpdate({
      target: users.id,
      set: {
        email: sql`coalesce(excluded.email, ${users.email})`,
        name: sql`coalesce(excluded.name, ${users.name})`,
      },
      setWhere: isNull(users.deletedAt), // a tombstone keeps no profile
    });
}

/**
 * Take one credit in ONE statement (`update … set credits = credits - 1 where id = $1 and credits > 0
 * returning credits`): Postgres locks the row, so concurrent requests can never spend the same credit.
 * Returns the credits left, or undefined when there were none (or no such user).
 */
export async function takeCredit(tx: Tx, userId: string): Promise<number | undefined> {
  const [row] = await tx
    .update(users)
    .set({ credits: sql`${users.credits} - 1` })
    .where(and(eq(users.id, userId), gt(users.credits, 0)))
    .returning({ credits: users.credits });
  return row?.credits;
}

/** The user's credits left (0 for a user not seen yet). */
export async function creditsOf(tx: Tx, userId: string): Promise<number> {
  const [row] = await tx.select({ credits: users.credits }).from(users).where(eq(users.id, userId));
  return row?.credits ?? 0;
}

/** The plan id of a user (undefined for a user not seen). */
export async function planIdOf(tx: Tx, userId: string): Promise<string | undefined> {
  const [row] = await tx.select({ plan: users.plan }).from(users).where(eq(users.id, userId));
  return row?.plan;
}

/** The plan id of a run's owner (runs → demos → users), or undefined for a run not in the database. */
export async function planOfRun(tx: Tx, runId: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ plan: users.plan })
    .from(runs)
    .innerJoin(demos, eq(demos.id, runs.demoId))
    .innerJoin(users, eq(users.id, demos.ownerId))
    .where(eq(runs.id, runId));
  return row?.plan;
}
