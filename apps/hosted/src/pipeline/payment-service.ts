import { oldestAwaiting } from '../db/charges';
import { db } from '../db/client';
import * as demosDb from '../db/demos';
import { insertEvent } from '../db/events';
import { takeCredit } from '../db/users';
import { type Submittable, submitRun } from './submit';

/**
 * Submit this user's awaiting_payment demos, oldest first, each taking one credit in one statement,
 * until credits run out; each goes `awaiting_payment` → `created` (charged) with a status event, so its
 * page sees it live, and is then submitted to the queue. Idempotent and safe to run concurrently: each
 * demo's run row is taken FOR UPDATE SKIP LOCKED and moved only from awaiting_payment. A demo the queue
 * cannot take is failed and refunded (submitRun), and the rest wait for the next call.
 * Called by the billing webhook AFTER its transaction commits, and by the monthly free grant.
 * Returns how many demos were submitted.
 */
export async function continueAwaitingDemos(userId: string): Promise<number> {
  let submitted = 0;
  for (;;) {
    const next = await db().transaction(async (tx): Promise<Submittable | 'none' | 'no-credit'> => {
      const run = await oldestAwaiting(tx, userId);
      if (!run) return 'none';
      if ((await takeCredit(tx, userId)) === undefined) return 'no-credit';
      await demosDb.updateRun(tx, userId, run.demoId, { status: 'created', charged: true, startedAt: new Date() }, [
        'awaiting_payment',
      ]);
      await insertEvent(tx, run.demoId, 'status', { status: 'created' });
      return { ownerId: userId, demoId: run.demoId, url: run.url, description: run.description, language: run.language };
    });
    if (next === 'none' || next === 'no-credit') return submitted;
    try {
      await submitRun(next);
      submitted += 1;
    } catch (err) {
      // The queue is down: that demo failed with its credit back; the others keep waiting (a next
      // payment event or the monthly sweep continues them) rather than failing one after another.
      console.warn(`[hosted:billing] demo ${next.demoId} could not be submitted after payment: ${(err as Error).message}`);
      return submitted;
    }
  }
}
