import { type Answered, type Decider, ShowrunnerError } from '@showrunner/core';
import type { Redis } from 'ioredis';
import { duplicate } from './connect.js';
import type { Keys } from './keys.js';

/** Longest single blocking wait: a cancel or deadline is noticed at the latest this long after it. */
const POLL_SECONDS = 2;

/**
 * The record job's Decider: while the browser waits on the failed page (the job keeps its lock alive),
 * block on the Redis list for this failure until `answer()` pushes to it, the deadline passes or the run
 * is cancelled (core then stops waiting and its `onFail` policy or the cancel takes over). A blocking
 * read needs its own connection, opened per question.
 */
export function redisDecider(redis: Redis, keys: Keys, runId: string): Decider {
  return async (failure, ctx) => {
    const key = keys.answers(runId, failure.step.id, failure.attempt);
    const reader = duplicate(redis);
    try {
      while (!ctx.signal.aborted) {
        const left = ctx.deadline === undefined ? POLL_SECONDS : (ctx.deadline - Date.now()) / 1000;
        const got = await reader.blpop(key, Math.max(0.05, Math.min(POLL_SECONDS, left)));
        if (got) return JSON.parse(got[1]) as Answered;
      }
      throw new ShowrunnerError('SR_ABORTED', 'No longer waiting for a decision.', { stage: 'record' });
    } finally {
      reader.disconnect();
    }
  };
}
