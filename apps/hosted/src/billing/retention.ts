import { db } from '../db/client';
import { insertEvent } from '../db/events';
import { expiringDemos, freeUsersToGrant, lockFreeUser, markExpired } from '../db/retention';
import { continueAwaitingDemos } from '../pipeline/payment-service';
import { removeRunFiles } from '../pipeline/run-files';
import type { RunResult } from '../pipeline/views';
import { freePeriod, grantPlan } from './credits';

/** What one sweep did (the housekeeping job logs it). */
export interface SweepResult {
  /** Demos whose files were removed and that are now marked expired. */
  expired: number;
  /** Free users granted this month's allowance. */
  granted: number;
  /** Awaiting-payment demos those grants submitted. */
  continued: number;
}

/** Rows one sweep handles per batch (it loops until none are left). */
const BATCH = 100;

/**
 * The housekeeping sweep at `now` (a clock the caller controls; the job passes the current time):
 * 1. every demo past its expires_at loses its video files (run folder, local videos, Supabase objects,
 *    as deleteDemo removes them) but keeps its rows and share links; demos.expired_at is set and a
 *    `status` event `{ status: 'done', expired: true }` tells an open page;
 * 2. every free user whose allowance is not this month's gets it (grantPlan with `free:<YYYY-MM>`,
 *    once per month whatever the number of sweeps), and their awaiting demos continue.
 * The mark and the removal share a transaction, the files going before it commits: a sweep interrupted
 * in between leaves the demo unmarked and removes them again next time.
 * Called by the housekeeping worker (src/billing/housekeeping.ts) and by tests.
 */
export async function sweep(now: Date): Promise<SweepResult> {
  const out: SweepResult = { expired: 0, granted: 0, continued: 0 };
  const skipped = new Set<string>();
  for (;;) {
    const due = (await expiringDemos(db(), now, BATCH + skipped.size)).filter((d) => !skipped.has(d.demoId));
    if (!due.length) break;
    for (const demo of due) {
      const marked = await db().transaction(async (tx) => {
        // The mark first, holding the row: a plan change that moved the expiry waits, or wins and we skip.
        if (!(await markExpired(tx, demo.demoId, now))) return false;
        await removeRunFiles(demo.runId, demo.result as RunResult | null);
        await insertEvent(tx, demo.demoId, 'status', { status: 'done', expired: true, expiredAt: now.toISOString() });
        return true;
      });
      if (marked) out.expired += 1;
      else skipped.add(demo.demoId);
    }
  }
  const period = freePeriod(now);
  let after = '';
  for (;;) {
    const ids = await freeUsersToGrant(db(), period, after, BATCH);
    if (!ids.length) break;
    after = ids.at(-1)!;
    for (const id of ids) {
      // Locked and checked again: a payment in between upgraded them, or another sweep granted first.
      const ok = await db().transaction(async (tx) => (await lockFreeUser(tx, id)) && grantPlan(tx, id, 'free', period));
      if (!ok) continue;
      out.granted += 1;
      out.continued += await continueAwaitingDemos(id);
    }
  }
  return out;
}
