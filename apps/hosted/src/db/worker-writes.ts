import { and, eq, notInArray, or } from 'drizzle-orm';
import type { Tx } from './client';
import type { RunRow } from './demos';
import { type EventType, insertEvent } from './events';
import { demos, runs, steps } from './schema';

// The worker's writes, keyed by run id: a status hook gets the run id from the queue's job (never from
// a person), so these have no owner to filter on. Everything a person does goes through the
// owner-scoped modules instead.

/** An event to log for the run's demo. */
export interface Logged {
  type: EventType;
  data: Record<string, unknown>;
}

/** Run statuses after which nothing a worker reports changes the row (a cancel from the page wins). */
export const FINAL = ['done', 'failed', 'cancelled'];

/**
 * Update a run that is not finished yet, and log `events` for its demo, in `tx`. `stage` limits the
 * update to a run whose current stage is that one (progress of a stage that is no longer current
 * changes nothing); `planning` limits it to a run still being planned (created, or running its parse
 * stage). Returns the demo id, or undefined when no row matched (nothing is logged then).
 */
export async function reportRun(
  tx: Tx,
  runId: string,
  patch: Partial<Omit<RunRow, 'id' | 'demoId' | 'createdAt' | 'updatedAt'>>,
  events: Logged[] | ((demoId: string) => Logged[]),
  options: { stage?: string; planning?: boolean } = {},
): Promise<string | undefined> {
  const [row] = await tx
    .update(runs)
    .set(patch)
    .where(
      and(
        eq(runs.id, runId),
        notInArray(runs.status, FINAL),
        options.stage ? eq(runs.stage, options.stage) : undefined,
        options.planning ? or(eq(runs.status, 'created'), and(eq(runs.status, 'running'), eq(runs.stage, 'parse'))) : undefined,
      ),
    )
    .returning({ demoId: runs.demoId });
  if (!row) return undefined;
  for (const e of typeof events === 'function' ? events(row.demoId) : events) await insertEvent(tx, row.demoId, e.type, e.data);
  return row.demoId;
}

/** The planned cards of a run's demo, replacing any (the plan reached review), and the plan's title. */
export async function writePlan(tx: Tx, demoId: string, cards: unknown[], title?: string): Promise<void> {
  await tx.delete(steps).where(eq(steps.demoId, demoId));
  if (cards.length) await tx.insert(steps).values(cards.map((step, position) => ({ demoId, position, step })));
  if (title) await tx.update(demos).set({ title }).where(eq(demos.id, demoId));
}
