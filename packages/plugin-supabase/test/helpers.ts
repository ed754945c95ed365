// Shared set-up: a local Storage server per test, and a run taken to the storage stage by core's own
// runStage (tts → record → merge with the fixture plugins), so the storage stage runs as it does for real.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRun, type LogEntry, parseDemo, resolveConfig, runStage, type StoragePlugin } from '@showrunner/core';
import { afterEach } from 'vitest';
import { filesMerge, humTts, paperRecorder } from './plugins.js';
import { type StorageServer, type StorageServerOptions, startStorageServer } from './storage-server.js';

export const tempDir = (prefix = 'sr-supabase-') => mkdtemp(path.join(tmpdir(), prefix));

const open: StorageServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A Storage server closed after the test. */
export async function storageServer(options?: StorageServerOptions): Promise<StorageServer> {
  const server = await startStorageServer(options);
  open.push(server);
  return server;
}

/** Fast retries for tests: same shape as production, short waits. */
export const QUICK = { backoffBaseMs: 20, backoffMaxMs: 100 } as const;

export const demo = parseDemo({
  url: 'http://localhost:9/',
  title: 'Store it',
  steps: [
    { action: 'goto', value: '/', narration: 'Home.' },
    { action: 'click', target: { name: 'Go' }, narration: 'Go on.' },
  ],
});

/**
 * A run folder merged by `filesMerge(sizes)`, with `storage` in the storage slot: `store()` runs the
 * storage stage the way the CLI and a worker do.
 */
export async function mergedRun(storage: StoragePlugin, sizes?: Record<string, number>) {
  const root = await tempDir();
  const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: filesMerge(sizes), storage }, { root });
  const runDir = await createRun(config.runsDir, { demo });
  const logs: LogEntry[] = [];
  const log = (entry: LogEntry) => logs.push(entry);
  for (const stage of ['tts', 'record', 'merge'] as const) await runStage(config, stage, runDir, { log });
  return {
    runDir,
    runId: path.basename(runDir),
    logs,
    store: (signal?: AbortSignal) => runStage(config, 'storage', runDir, { log, signal }),
    /** A merged file's bytes, by name. */
    merged: (name: string) => readFile(path.join(runDir, 'merge', '1', name)),
  };
}

/** Write `bytes` random bytes at `runDir/rel`; returns them. */
export async function put(runDir: string, rel: string, bytes: number): Promise<Buffer> {
  const data = randomBytes(bytes);
  await mkdir(path.dirname(path.join(runDir, rel)), { recursive: true });
  await writeFile(path.join(runDir, rel), data);
  return data;
}

/** The ShowrunnerError a promise rejects with (fails the test if it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; file?: string; hint?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}
