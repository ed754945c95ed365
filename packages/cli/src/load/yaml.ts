import { Worker } from 'node:worker_threads';

/**
 * Aliases a YAML demo may expand. A demo has no use for many; the cap stops a "billion laughs"
 * file (nested aliases that expand exponentially) before it takes memory and time.
 */
const MAX_ALIASES = 100;
/** Wall time for one parse. A 1 MB demo of 200 long steps parses in about 1 s here. */
const PARSE_MS = 10_000;
/** Heap for one parse (a 1 MB demo needs far less). */
const HEAP_MB = 256;

/**
 * Parse YAML in a worker thread with a deadline and a heap cap. Measured with yaml 2.9 on inputs
 * under 1 MB: 200k `- a: ` took 21 s, 500k `[` 11 s, 125k plain keys over 5 minutes (its duplicate
 * key check is quadratic), and one shape ran the process out of memory. A worker can be stopped;
 * the main thread could not. Throws an Error whose message says what went wrong.
 */
export function parseYamlBounded(text: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./yaml-worker.js', import.meta.url), {
      workerData: { text, maxAliasCount: MAX_ALIASES },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    });
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`parsing took over ${PARSE_MS / 1000} s (nested too deeply or too many keys)`)));
    }, PARSE_MS);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      // A worker stopped at the deadline may still report running out of heap before it ends:
      // with no listener that report would be an uncaught exception in the host process.
      worker.on('error', () => {});
      void worker.terminate();
      settle();
    };
    worker.once('message', (reply: { ok: boolean; data?: unknown; message?: string }) =>
      finish(() => (reply.ok ? resolve(reply.data) : reject(new Error(reply.message)))),
    );
    worker.once('error', (err) => finish(() => reject(err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the YAML parser stopped (exit ${code})`))));
  });
}
