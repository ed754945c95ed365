import { refundRun } from '../db/charges';
import { db } from '../db/client';
import * as demosDb from '../db/demos';
import { insertEvent } from '../db/events';
import { HostedError } from '../errors';
import { queue, withinTime } from './queue';

/** A demo whose run is ready to go to the queue (its row committed as `created`, charged or not). */
export interface Submittable {
  ownerId: string;
  demoId: string;
  url: string;
  description: string;
  /** BCP 47 language of the narration (the demo's). */
  language: string;
}

/**
 * Submit a created run to the queue to be planned. When the queue cannot take it (Redis down), the run
 * is marked failed, a credit it holds refunded (refundRun, once), a `status` event logged, and
 * SR_UNAVAILABLE thrown. Called by createDemo after its transaction commits.
 */
export async function submitRun(run: Submittable): Promise<void> {
  const { ownerId, demoId, url, description, language } = run;
  try {
    await withinTime(
      'submit',
      queue().submit({ request: { url, description, language } }, { runId: demoId, by: ownerId, trust: 'untrusted' }),
    );
  } catch (err) {
    void queue()
      .cancel(demoId, { by: 'hosted' })
      .catch(() => {}); // if the submit lands later, it stops there
    const message = `The run could not be queued: ${(err as Error).message}`;
    await db().transaction(async (tx) => {
      const failed = await demosDb.updateRun(
        tx,
        ownerId,
        demoId,
        { status: 'failed', errorCode: 'SR_UNAVAILABLE', errorMessage: message, finishedAt: new Date() },
        ['created'],
      );
      if (!failed) return; // cancelled meanwhile: cancelDemo refunded it
      await refundRun(tx, demoId);
      await insertEvent(tx, demoId, 'status', { status: 'failed', error: { code: 'SR_UNAVAILABLE', message } });
    });
    throw new HostedError('SR_UNAVAILABLE', message, { cause: err });
  }
}
