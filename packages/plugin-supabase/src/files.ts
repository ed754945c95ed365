import { stat } from 'node:fs/promises';
import path from 'node:path';
import { checkRunId, expand, type RunFiles, ShowrunnerError, safeJoin } from '@showrunner/core';
import { type Bucket, call, lazyBucket } from './client.js';
import { contentTypeOf } from './content-type.js';
import { objectKey } from './keys.js';
import { DELETE_BATCH, PLUGIN_NAME, resolveFilesOptions, type SupabaseFilesOptions } from './options.js';
import { eachLimit } from './pool.js';
import { retrying } from './retry.js';
import { downloadFile, storageFailed, uploadFile } from './transfer.js';

/** RunFiles on Supabase Storage; `remove` is always there. */
export type SupabaseRunFiles = RunFiles & { remove(runId: string): Promise<void> };

/** Objects per list request (Storage pages `POST /object/list/<bucket>` with limit and offset). */
const PAGE = 1000;

/**
 * RunFiles on a Supabase Storage bucket: a run's files live under `<prefix>/<runId>/<run-relative
 * path>`, so workers on any machine can pull what a stage reads and push what it wrote. Made once per
 * worker (options validated then, credentials at the first transfer); core calls pull and push from
 * any number of runs at once. Transfers run `concurrency` at a time, files above
 * `resumableThresholdBytes` go resumable, and transient failures are retried.
 */
export function supabaseFiles(options: SupabaseFilesOptions = {}): SupabaseRunFiles {
  const opts = resolveFilesOptions(options);
  const bucket = lazyBucket(opts, 'files');
  const folderOf = (runId: string) => objectKey(`${opts.prefix}/${checkRunId(runId)}`);

  return {
    async pull(runId, paths, runDir, signal) {
      const b = bucket();
      const folder = folderOf(runId);
      const wanted = await Promise.all(
        [...new Set(paths.map(runRelative))].map(async (rel) => {
          const to = safeJoin(runDir, rel);
          const have = await stat(to).then(
            (s) => s.size,
            () => undefined,
          );
          return { rel, key: `${folder}/${objectKey(rel)}`, to, have };
        }),
      );
      // Sizes are listed only for folders where something is already here: a fresh machine lists nothing.
      const here = wanted.filter((w) => w.have !== undefined);
      const remote = here.length ? await sizesIn(b, new Set(here.map((w) => path.posix.dirname(w.key))), signal) : undefined;
      const missing = wanted.filter((w) => w.have === undefined || remote?.get(w.key) !== w.have);
      await eachLimit(missing, opts.concurrency, (w, s) => downloadFile(b, w.key, w.to, s, w.rel), signal);
    },

    async push(runId, paths, runDir, signal) {
      const b = bucket();
      const folder = folderOf(runId);
      const files = await expand(runDir, paths.map(runRelative));
      const headers = (rel: string) => ({ contentType: contentTypeOf(rel), cacheControl: opts.cacheControl });
      await eachLimit(
        files,
        opts.concurrency,
        (rel, s) => uploadFile(b, `${folder}/${objectKey(rel)}`, safeJoin(runDir, rel), headers(rel), s, rel),
        signal,
      );
    },

    async remove(runId) {
      const b = bucket();
      const folder = folderOf(runId);
      const keys = await tree(b, folder);
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        await retrying(
          b.policy,
          undefined,
          () => call(b, undefined, (api) => api.remove(batch)),
          (f, n, note) => storageFailed('delete', `${batch.length} files of run ${runId}`, b, `${folder}/`, f, n, note),
        );
      }
    },
  };
}

/** A run-relative path with `/` separators, normalised; SR_PATH_OUTSIDE if it is absolute or climbs out. */
function runRelative(p: string): string {
  const rel = path.posix.normalize(p.split(path.sep).join('/')).replace(/\/+$/, '');
  if (rel && rel !== '.' && rel !== '..' && !rel.startsWith('../') && !path.posix.isAbsolute(rel) && !rel.includes('\0'))
    return rel;
  throw new ShowrunnerError('SR_PATH_OUTSIDE', `${JSON.stringify(p.slice(0, 200))} is not a path inside a run folder.`, {
    plugin: PLUGIN_NAME,
    hint: 'Paths in a run are relative to its folder and stay inside it.',
  });
}

/** Size of every object directly in each of the folders `dirs` (keys), by key. */
async function sizesIn(b: Bucket, dirs: Set<string>, signal?: AbortSignal): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const list = async (dir: string, s: AbortSignal) => {
    for (const item of await listAll(b, dir, s)) {
      if (item.id !== null) sizes.set(`${dir}/${item.name}`, Number(item.metadata?.size));
    }
  };
  await eachLimit([...dirs], 4, list, signal);
  return sizes;
}

type Listed = { name: string; id: string | null; metadata: Record<string, unknown> | null };

/** Every entry directly under `folder` (files, and folders with a null id), page by page. */
async function listAll(b: Bucket, folder: string, signal?: AbortSignal): Promise<Listed[]> {
  const out: Listed[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const options = { limit: PAGE, offset, sortBy: { column: 'name', order: 'asc' } };
    const page = (await retrying(
      b.policy,
      signal,
      () => call(b, signal, (api) => api.list(folder, options)),
      (f, n, note) => storageFailed('list', `${folder}/`, b, `${folder}/`, f, n, note),
    )) as Listed[];
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

/** Every object key under `folder`, folders walked. */
async function tree(b: Bucket, folder: string): Promise<string[]> {
  const keys: string[] = [];
  for (const item of await listAll(b, folder)) {
    const key = `${folder}/${item.name}`;
    if (item.id === null) keys.push(...(await tree(b, key)));
    else keys.push(key);
  }
  return keys;
}
