import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Tx } from './client';
import { owned } from './demos';
import { demos, runs, shares } from './schema';

export type ShareRow = typeof shares.$inferSelect;

/** Add a share link to this owner's demo. Returns the row, or undefined when the demo is not theirs. */
export async function insertShare(tx: Tx, ownerId: string, demoId: string, token: string): Promise<ShareRow | undefined> {
  const [mine] = await tx
    .select({ id: demos.id })
    .from(demos)
    .where(and(eq(demos.id, demoId), eq(demos.ownerId, ownerId)));
  if (!mine) return undefined;
  const [row] = await tx.insert(shares).values({ token, demoId }).returning();
  return row;
}

/** Revoke a link of this owner's demo (the row stays: its page says "revoked"). False when there is no such link. */
export async function revokeShare(tx: Tx, ownerId: string, demoId: string, token: string): Promise<boolean> {
  const rows = await tx
    .update(shares)
    .set({ revokedAt: new Date() })
    .where(and(eq(shares.token, token), owned(shares.demoId, ownerId, demoId)))
    .returning({ token: shares.token, revokedAt: shares.revokedAt });
  return rows.length > 0;
}

/** The links of this owner's demo, newest first. */
export function sharesOf(tx: Tx, ownerId: string, demoId: string): Promise<ShareRow[]> {
  return tx
    .select()
    .from(shares)
    .where(owned(shares.demoId, ownerId, demoId))
    .orderBy(desc(shares.createdAt));
}

/**
 * A share link by its token, with its demo and run: the public path (`/share/<token>`), where the
 * token is the credential, so there is no owner to filter on. Revoked links are returned too.
 */
export async function findShare(tx: Tx, token: string) {
  const [row] = await tx
    .select({ share: shares, demo: demos, run: runs })
    .from(shares)
    .innerJoin(demos, eq(demos.id, shares.demoId))
    .leftJoin(runs, eq(runs.id, demos.runId))
    .where(eq(shares.token, token));
  return row;
}

/** Revoke every live link of a demo (before it is deleted or re-recorded), scoped to its owner. */
export async function revokeAll(tx: Tx, ownerId: string, demoId: string): Promise<void> {
  await tx
    .update(shares)
    .set({ revokedAt: new Date() })
    .where(and(owned(shares.demoId, ownerId, demoId), isNull(shares.revokedAt)));
}
