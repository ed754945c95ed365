import { ShowrunnerError } from '@showrunner/core';

type QueueModule = typeof import('@showrunner/queue');

// A variable specifier keeps the optional peer out of the CLI's static imports: only `worker` and
// `--queue` load it (with BullMQ and ioredis), and a CLI installed without it says how to add it.
const QUEUE: string = '@showrunner/queue';

/** @showrunner/queue, or SR_USAGE saying how to install it. Called by `worker` and `--queue`. */
export async function loadQueue(): Promise<QueueModule> {
  try {
    return (await import(QUEUE)) as QueueModule;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !String(err).includes(QUEUE)) throw err;
    throw new ShowrunnerError('SR_USAGE', `${QUEUE} is not installed; queues and workers need it.`, {
      cause: err,
      hint: `npm i -D ${QUEUE}`,
    });
  }
}
