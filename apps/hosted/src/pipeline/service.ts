import { fromCore } from './common';
import * as demos from './demo-service';
import * as files from './files';
import * as live from './live-service';
import * as review from './review-service';
import * as shares from './share-service';

// The functions the API routes call (see /work/notes/hosted-contract.md). Every one takes the
// signed-in user's id first (sharedVideo and a share's openFile take a token instead), is scoped to
// that user — someone else's demo is SR_NOT_FOUND — and throws only HostedError: an error from core
// or the queue is mapped by `fromCore` (a state conflict → SR_CONFLICT, an invalid plan →
// SR_INVALID_STEP naming the step, Redis not answering → SR_UNAVAILABLE, anything else SR_INTERNAL
// with the original as `cause`).

const coded =
  <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (err) {
      throw fromCore(err);
    }
  };

export const ensureUser = coded(demos.ensureUser);
export const isDeletedUser = coded(demos.isDeletedUser);
export const listDemos = coded(demos.listDemos);
export const createDemo = coded(demos.createDemo);
export const getDemo = coded(demos.getDemo);
export const cancelDemo = coded(demos.cancelDemo);
export const deleteDemo = coded(demos.deleteDemo);
export const saveSteps = coded(review.saveSteps);
export const replanStep = coded(review.replanStep);
export const confirm = coded(review.confirm);
export const answer = coded(review.answer);
export const createShare = coded(shares.createShare);
export const revokeShare = coded(shares.revokeShare);
export const sharedVideo = coded(shares.sharedVideo);
export const openFile = coded(files.openFile);
export const eventsAfter = coded(live.eventsAfter);
export const subscribe = coded(live.subscribe);

export type { FileAnswer, FileBody, FileRole } from './files';
