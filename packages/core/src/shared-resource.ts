// A resource several runs share, loaded once and freed when the last run lets go: the per-run
// lifecycle of a pooled voice model or engine (plugin-kokoro, plugin-espeak), offered to every plugin.
import { type ErrorWhere, ShowrunnerError } from './errors.js';

/**
 * One plugin instance's pooled resource (a voice model). Runs take a share on first use, keyed by run
 * id; core's `release(runId)` drops it; the resource is disposed when the last share goes, or on
 * `close()`. The load belongs to the pool, not to the run that started it: a run whose signal aborts
 * stops waiting at once, and the load goes on for the runs still waiting on it (it is aborted only
 * when no one waits any more). Safe to call from concurrent runs.
 */
export interface SharedResource<T> {
  /**
   * Take `runId`'s share (once per run, however often it calls) and wait for the resource; `load`
   * starts it when none is loaded or loading, with the pool's own signal. Throws SR_ABORTED when
   * `signal` aborts first, and what the load throws when it fails (a failed load is not kept: the
   * next call loads again). Called by the plugin's `run` before each clip.
   */
  acquire(runId: string, signal: AbortSignal, load: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Drop `runId`'s share; with the last one, dispose the resource (or abort its load). Idempotent. */
  release(runId: string): Promise<void>;
  /** Dispose the resource whoever holds it, and wait for every disposal under way (host shutdown). */
  close(): Promise<void>;
}

/** One load and the value it gives; a new one starts after the previous is retired or failed. */
interface Load<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiting: number;
  settled: boolean;
  retired: boolean;
}

/**
 * Build a pool. `dispose` frees a loaded value (it may wait for work in flight first); `what` names the
 * resource in SR_ABORTED messages and `where` says whose it is (stage, plugin).
 */
export function sharedResource<T>(options: {
  dispose: (value: T) => Promise<void> | void;
  what: string;
  where: ErrorWhere;
}): SharedResource<T> {
  const holders = new Set<string>();
  const retiring = new Set<Promise<void>>();
  let current: Load<T> | undefined;

  const aborted = (why: string, cause?: unknown) => stoppedWaiting(options.what, options.where, why, cause);

  function start(load: (signal: AbortSignal) => Promise<T>): Load<T> {
    const controller = new AbortController();
    const promise = (async () => load(controller.signal))(); // a load that throws at once fails like any other
    const entry: Load<T> = { promise, controller, waiting: 0, settled: false, retired: false };
    entry.promise.then(
      () => {
        entry.settled = true;
      },
      () => {
        entry.settled = true;
        if (current === entry) current = undefined; // the next acquire tries again
      },
    );
    return entry;
  }

  /** No one may use `entry` any more: stop its load if it is still loading, dispose its value when it comes. */
  function retire(entry: Load<T>): Promise<void> {
    if (current === entry) current = undefined;
    entry.retired = true;
    entry.controller.abort();
    const done = entry.promise.then(options.dispose, () => {}).finally(() => retiring.delete(done));
    retiring.add(done);
    return done;
  }

  return {
    async acquire(runId, signal, load) {
      if (signal.aborted) throw aborted('cancelled', signal.reason);
      holders.add(runId);
      current ??= start(load);
      const entry = current;
      entry.waiting++;
      try {
        const value = await untilAborted(entry.promise, signal, () => aborted('cancelled', signal.reason)).catch((err) => {
          throw entry.retired && !signal.aborted ? aborted('released', err) : err; // its own release stopped the load
        });
        if (entry.retired) throw aborted('released'); // loaded, but already on its way to dispose
        return value;
      } finally {
        entry.waiting--;
        if (entry.waiting === 0 && !entry.settled && !entry.retired) retire(entry).catch(() => {});
      }
    },

    async release(runId) {
      if (!holders.delete(runId) || holders.size > 0 || !current) return;
      await retire(current);
    },

    async close() {
      holders.clear();
      if (current) retire(current).catch(() => {});
      await Promise.all(retiring);
    },
  };
}

/** SR_ABORTED for a run that stopped waiting for `what` because it was `why` (cancelled, released). */
export function stoppedWaiting(what: string, where: ErrorWhere, why = 'cancelled', cause?: unknown): ShowrunnerError {
  return new ShowrunnerError('SR_ABORTED', `The run was ${why} while it waited for ${what}.`, { ...where, cause });
}

/** `promise`, or the error from `abortError` as soon as `signal` aborts (or at once if it has), whichever comes first. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, abortError: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
