// Runs in a worker thread started by `parseYamlBounded`: parses one YAML text and posts the data
// back. Kept apart from the main thread because some small YAML inputs take minutes or exhaust
// memory in the parser (see yaml.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { parse } from 'yaml';

const { text, maxAliasCount } = workerData as { text: string; maxAliasCount: number };
try {
  // prettyErrors off: it rescans the source for every error, quadratic on inputs with many errors.
  parentPort?.postMessage({ ok: true, data: parse(text, { maxAliasCount, prettyErrors: false }) });
} catch (err) {
  parentPort?.postMessage({ ok: false, message: (err as Error).message });
}
