import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { safeJoin } from '@showrunner/core';
import { supabaseFiles } from '@showrunner/plugin-supabase';
import { dataDirs, env } from '../env';
import type { RunResult } from './views';

/**
 * Remove every file a run made: its run folder, its local video files (localStore with perRun keeps
 * each run in `<videos>/<name>/<runId>/`: that folder goes) and, with Supabase configured, its objects
 * in the bucket. The rows stay (the caller deletes them or marks the demo expired). Idempotent.
 * Called by deleteDemo and the retention sweep.
 */
export async function removeRunFiles(runId: string, result: RunResult | null | undefined): Promise<void> {
  const dirs = dataDirs();
  await rm(safeJoin(dirs.runs, runId), { recursive: true, force: true });
  for (const file of result?.files ?? []) {
    if (!file.url.startsWith('file:')) continue;
    const local = fileURLToPath(file.url);
    const folder = path.dirname(local);
    const inside = folder.startsWith(dirs.videos + path.sep);
    if (inside && path.basename(folder) === runId) await rm(folder, { recursive: true, force: true });
    else if (local.startsWith(dirs.videos + path.sep)) await rm(local, { force: true });
  }
  await removeStored(runId);
}

/**
 * With Supabase configured, a run's files live in the bucket too: its run files under `runs/<runId>/`
 * (supabaseFiles) and its published video under `demos/<runId>/` (supabaseStorage's owner segment, as
 * showrunner.config.ts sets it). Both go; a failure is logged, the caller goes on.
 */
async function removeStored(runId: string): Promise<void> {
  const e = env();
  if (!e.SUPABASE_URL || !e.SUPABASE_SERVICE_ROLE_KEY) return;
  const connection = { url: e.SUPABASE_URL, serviceKey: e.SUPABASE_SERVICE_ROLE_KEY, bucket: e.SUPABASE_BUCKET };
  for (const prefix of ['runs', 'demos']) {
    await supabaseFiles({ ...connection, prefix })
      .remove(runId)
      .catch((err: Error) => console.warn(`[hosted] could not remove ${prefix}/${runId} from Storage: ${err.message}`));
  }
}
