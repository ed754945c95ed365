import { isShowrunnerError } from '@showrunner/core';
import type { Tx } from '../db/client';
import { type DemoWithRun, findDemo } from '../db/demos';
import { HostedError } from '../errors';
import { QueueTimeout } from './queue';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SR_NOT_FOUND, the same for a demo that does not exist and one that is someone else's. */
export const notFound = (id: string) => new HostedError('SR_NOT_FOUND', `No demo ${String(id).slice(0, 64)}.`);

/**
 * This user's demo with its run, or SR_NOT_FOUND (also for an id that is not a uuid, which Postgres
 * would refuse). `lock` takes the run row FOR UPDATE, for state changes inside `tx`.
 */
export async function requireDemo(tx: Tx, userId: string, id: string, lock = false): Promise<DemoWithRun & { runId: string }> {
  if (typeof id !== 'string' || !UUID.test(id)) throw notFound(id);
  const found = await findDemo(tx, userId, id.toLowerCase(), lock);
  if (!found) throw notFound(id);
  return { ...found, runId: found.demo.runId ?? found.demo.id };
}

/** SR_CONFLICT for an action the run's status does not allow now. */
export const conflict = (what: string, status: string | undefined) =>
  new HostedError('SR_CONFLICT', `Cannot ${what} while the demo is ${(status ?? 'created').replace('_', ' ')}.`, {
    field: 'status',
  });

/**
 * An error from core or the queue as the API reports it: a state the run is not in → SR_CONFLICT; a
 * usage error (invalid demo, over a limit, refused URL) → `usage` (SR_BAD_REQUEST unless given) with
 * its field; Redis not answering → SR_UNAVAILABLE; anything else → SR_UNAVAILABLE naming the code.
 */
export function fromCore(err: unknown, usage: 'SR_BAD_REQUEST' | 'SR_INVALID_STEP' = 'SR_BAD_REQUEST'): HostedError {
  if (err instanceof HostedError) return err;
  if (err instanceof QueueTimeout) return new HostedError('SR_UNAVAILABLE', err.message, { cause: err });
  if (isShowrunnerError(err)) {
    const first = err.message.split('\n').slice(0, 3).join(' ');
    if (err.code === 'SR_RUN_STATE') return new HostedError('SR_CONFLICT', first, { field: 'status', cause: err });
    if (err.isUsage) {
      const step = err.step?.index;
      return new HostedError(usage, first, { field: dotted(err.field), step, cause: err });
    }
    return new HostedError('SR_UNAVAILABLE', `${err.code}: ${first}`, { cause: err });
  }
  return new HostedError('SR_INTERNAL', 'Something went wrong.', { cause: err });
}

/** core's `steps[2].value` as the API's `steps.2.value`. */
export const dotted = (field: string | undefined) => field?.replace(/\[(\d+)\]/g, '.$1');
