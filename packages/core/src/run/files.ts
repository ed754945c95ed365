import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { checkRunId, safeJoin } from '../policy/paths.js';
import type { StageName } from '../types.js';
import type { RunDoc } from './store.js';

/**
 * Moves a run's files between machines, so a stage can run on another machine than the one before
 * it: core pulls the files a stage reads into the local run folder before the stage, and pushes the
 * attempt's folder before it commits (and a failure screenshot before a run pauses), so whatever the
 * store says is done is also where the next machine can fetch it. Paths are run-relative and use `/`.
 * Called by core, from any number of processes; implementations: `dirFiles` (a shared directory) and
 * @showrunner/plugin-supabase (Supabase Storage).
 */
export interface RunFiles {
  /** Copy these run-relative files of `runId` into `runDir`; files already there with the same size are kept. */
  pull(runId: string, paths: readonly string[], runDir: string, signal?: AbortSignal): Promise<void>;
  /** Copy `paths` (run-relative files or folders, recursively) from `runDir` to where other machines pull from. */
  push(runId: string, paths: readonly string[], runDir: string, signal?: AbortSignal): Promise<void>;
  /** Delete every file of `runId` (a deleted demo, an expired video). */
  remove?(runId: string): Promise<void>;
}

/** Run-relative folder of the merge plugin's early work while recording (MergePlugin.live); local to the process that records. */
export const LIVE_DIR = 'merge/live';

/** The run-relative files a stage reads from earlier stages' outputs (what a worker must pull first). */
export function stageInputs(stage: StageName, run: Pick<RunDoc, 'outputs'>): string[] {
  const { tts, record, merge } = run.outputs;
  switch (stage) {
    case 'merge':
      return [...(record?.recording.frames.map((f) => f.path) ?? []), ...(tts?.clips.map((c) => c.path) ?? [])];
    case 'storage':
      return merge?.files.map((f) => f.path) ?? [];
    default:
      return []; // parse, tts and record read only JSON from the store (and the clip cache)
  }
}

/**
 * RunFiles on a directory every worker can reach (an NFS mount, one machine's disk): `<root>/<runId>/…`.
 * When a worker's runs folder is that directory itself, there is nothing to copy.
 */
export function dirFiles(root: string): RunFiles {
  const base = (runId: string) => safeJoin(root, checkRunId(runId));
  const same = (runId: string, runDir: string) => path.resolve(runDir) === base(runId);
  return {
    async pull(runId, paths, runDir, signal) {
      if (same(runId, runDir)) return;
      for (const p of paths) {
        signal?.throwIfAborted();
        const to = safeJoin(runDir, p);
        const from = safeJoin(base(runId), p);
        const [have, source] = await Promise.all([stat(to).catch(() => undefined), stat(from)]);
        if (have?.size === source.size) continue;
        await mkdir(path.dirname(to), { recursive: true });
        await copyFile(from, to);
      }
    },
    async push(runId, paths, runDir, signal) {
      if (same(runId, runDir)) return;
      for (const file of await expand(runDir, paths)) {
        signal?.throwIfAborted();
        const to = safeJoin(base(runId), file);
        await mkdir(path.dirname(to), { recursive: true });
        await copyFile(safeJoin(runDir, file), to);
      }
    },
  };
}

/** Run-relative files under `paths` (files as they are, folders walked), with `/` separators. */
export async function expand(runDir: string, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const abs = safeJoin(runDir, rel);
    const info = await stat(abs).catch(() => undefined);
    if (!info) return;
    if (!info.isDirectory()) {
      out.push(rel);
      return;
    }
    for (const name of (await readdir(abs)).sort()) await walk(`${rel}/${name}`);
  };
  for (const p of paths) await walk(p.split(path.sep).join('/').replace(/\/+$/, ''));
  return out;
}
