// A parse-stage context for calling the script parser's `run` and `planStep` directly, the way core
// does, with the policy of a trusted (CLI) or untrusted (hosted) run. The parser touches no files.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPolicy, type StageContext, type Trust } from '@showrunner/core';

export function parseContext(trust: Trust = 'trusted', logs: string[] = []): StageContext {
  const runDir = path.join(tmpdir(), 'sr-parse-context-unused');
  return {
    runId: `parse-${trust}`,
    stage: 'parse',
    runDir,
    dir: path.join(runDir, 'parse'),
    root: runDir,
    cacheDir: path.join(runDir, 'cache'),
    signal: new AbortController().signal,
    policy: createPolicy({ trust }),
    log: { debug: (m) => logs.push(m), info: (m) => logs.push(m), warn: (m) => logs.push(m) },
    emit: async () => {},
    resolve: (p) => path.resolve(runDir, p),
    artifact: async (file) => path.relative(runDir, file),
  };
}
