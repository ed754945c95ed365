// A StageContext for calling the plugin's `run` directly, the way core's Narrator does, on temp folders.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPolicy, type StageContext } from '@showrunner/core';

const made: string[] = [];

/** A fresh folder under the OS temp dir; {@link removeTempDirs} deletes them all (call it in afterAll). */
export async function tempDir(prefix = 'sr-kokoro-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Log lines a context received, as `level: message`. */
export type LogLines = string[];

/**
 * A tts-stage context rooted at `root` (the "config folder"); the run folder is `<root>/run`. Give
 * each simulated run its own `runId` when a test plays several runs on one plugin instance.
 */
export async function testContext(
  root: string,
  logs: LogLines = [],
  signal = new AbortController().signal,
  runId = 'test-run',
): Promise<StageContext> {
  const runDir = path.join(root, 'run');
  const dir = path.join(runDir, 'tts');
  await mkdir(dir, { recursive: true });
  return {
    runId,
    stage: 'tts',
    runDir,
    dir,
    root,
    cacheDir: path.join(root, 'cache'),
    signal,
    policy: createPolicy(),
    log: {
      debug: (m) => logs.push(`debug: ${m}`),
      info: (m) => logs.push(`info: ${m}`),
      warn: (m) => logs.push(`warn: ${m}`),
    },
    emit: async () => {},
    resolve: (p) => path.resolve(runDir, p),
    artifact: async (file) => path.relative(runDir, file),
  };
}

/** Replace fetch with one that records the URL and throws, so any network use fails loudly and is counted. */
export function forbidNetwork(): { calls: string[]; restore(): void } {
  const real = globalThis.fetch;
  const calls: string[] = [];
  globalThis.fetch = (async (input: string | URL | Request) => {
    calls.push(String(input instanceof Request ? input.url : input));
    throw new Error(`network disabled in this test: ${String(input)}`);
  }) as typeof fetch;
  return {
    calls,
    restore: () => {
      globalThis.fetch = real;
    },
  };
}

/** The phonemizer's rethrowing process listeners (matched by their exact minified source) now registered. */
export const phonemizerListeners = () =>
  [...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')].filter((l) =>
    ['function(A){if(!(AinstanceofO))throwA}', 'function(A){throwA}'].includes(String(l).replace(/\s+/g, '')),
  );
