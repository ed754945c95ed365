import type { Step } from '@showrunner/core';
import { oldestAwaiting } from '../db/charges';
import { db } from '../db/client';
import * as demosDb from '../db/demos';
import { insertEvent } from '../db/events';
import { takeCredit } from '../db/users';
import { approveInQueue } from './review-service';

/**
 * Record this user's awaiting_payment demos (steps confirmed, no credit then), oldest first, each
 * taking one credit in one statement, until credits run out: each goes `awaiting_payment` → `approved`
 * (charged) with a status event, so its page sees it live, and is then approved in the queue with its
 * saved cards, so it records and finishes with no further click. Idempotent and safe to run
 * concurrently: each demo's run row is taken FOR UPDATE SKIP LOCKED and moved only from
 * awaiting_payment. A demo the queue refuses goes back to review keeping its credit (approveInQueue),
 * and the rest wait for the next call.
 * Called by the billing webhook AFTER its transaction commits, and by the monthly free grant.
 * Returns how many demos were approved.
 */
export async function continueAwaitingDemos(userId: string): Promise<number> {
  let approved = 0;
  for (;;) {
    const next = await db().transaction(async (tx) => {
      const run = await oldestAwaiting(tx, userId);
      if (!run || (await takeCredit(tx, userId)) === undefined) return undefined;
      const cards = (await demosDb.readSteps(tx, userId, run.demoId)) as Step[];
      await demosDb.updateRun(
        tx,
        userId,
        run.demoId,
        { status: 'approved', charged: true, startedAt: new Date(), stepCount: cards.length },
        ['awaiting_payment'],
      );
      await insertEvent(tx, run.demoId, 'status', { status: 'approved' });
      return { run, cards };
    });
    if (!next) return approved;
    const { run, cards } = next;
    try {
      await approveInQueue(userId, { id: run.demoId, url: run.url, title: run.title, language: run.language }, run.runId, cards);
      approved += 1;
    } catch (err) {
      // That demo is back at review with its credit; the others keep waiting (a next payment event or
      // the monthly sweep continues them) rather than failing one after another.
      console.warn(`[hosted:billing] demo ${run.demoId} could not be approved after payment: ${(err as Error).message}`);
      return approved;
    }
  }
}
