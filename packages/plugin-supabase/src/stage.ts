import path from 'node:path';
import {
  checkRunId,
  definePlugin,
  type OutputFile,
  SAFE_ID,
  SAFE_ID_RULE,
  ShowrunnerError,
  type StoragePlugin,
} from '@showrunner/core';
import { type Bucket, call, lazyBucket } from './client.js';
import { contentTypeOf } from './content-type.js';
import { objectKey } from './keys.js';
import { type OwnerFn, PLUGIN_NAME, resolveStorageOptions, type SupabaseStorageOptions } from './options.js';
import { eachLimit } from './pool.js';
import { retrying } from './retry.js';
import { storageFailed, uploadFile } from './transfer.js';

interface Target {
  file: OutputFile;
  key: string;
  local: string;
}

/**
 * The `storage` stage on Supabase Storage, called once when the config loads (options are validated
 * then; credentials at the first run). Each attempt uploads every finished file under
 * `<owner>/<runId>/<file name>` in the bucket (upsert, so a re-run replaces them), a few at a time,
 * then links them: signed URLs, or public URLs when `public` is set (the bucket must be public).
 * Runs may call it concurrently; they share one client.
 */
export function supabaseStorage(options: SupabaseStorageOptions = {}): StoragePlugin {
  const opts = resolveStorageOptions(options);
  const bucket = lazyBucket(opts, 'storage');
  return definePlugin({
    name: PLUGIN_NAME,
    stage: 'storage',
    async run({ runId, files }, ctx) {
      if (!files.length) {
        throw new ShowrunnerError('SR_STORAGE_FAILED', 'There is nothing to store: merge listed no files.', {
          plugin: PLUGIN_NAME,
        });
      }
      const b = bucket();
      const folder = objectKey(`${await ownerOf(opts.owner, runId)}/${checkRunId(runId)}`);
      const targets = files.map((file) => ({
        file,
        key: `${folder}/${objectKey(fileName(file.path))}`,
        local: ctx.resolve(file.path),
      }));
      const clash = targets.find((t, i) => targets.findIndex((o) => o.key === t.key) !== i);
      if (clash) {
        throw new ShowrunnerError('SR_STORAGE_FAILED', `Two files would be stored as ${clash.key} (${clash.file.path}).`, {
          plugin: PLUGIN_NAME,
          file: clash.file.path,
        });
      }
      let done = 0;
      const upload = async (t: Target, signal: AbortSignal) => {
        const headers = { contentType: contentTypeOf(t.key), cacheControl: opts.cacheControl };
        await uploadFile(b, t.key, t.local, headers, signal, t.file.path);
        await ctx.emit('onProgress', { done: ++done, total: targets.length, message: `Stored ${t.key}` });
      };
      await eachLimit(targets, opts.concurrency, upload, ctx.signal);
      const urls = opts.public
        ? targets.map((t) => b.api.getPublicUrl(t.key).data.publicUrl)
        : await signedUrls(b, targets, opts.signedUrlExpiresIn, ctx.signal);
      const stored = targets.map((t, i) => ({ ...t.file, url: urls[i]! }));
      ctx.log.info(`Stored ${stored.length} files in ${b.name}/${folder}/ (${opts.public ? 'public' : 'private'})`);
      return { url: (stored.find((f) => f.role === 'video') ?? stored[0]!).url, files: stored };
    },
  });
}

/** The owner segment, checked like a run id: it becomes part of every key of the run. */
async function ownerOf(owner: string | OwnerFn, runId: string): Promise<string> {
  const value = typeof owner === 'function' ? await owner(runId) : owner;
  if (typeof value === 'string' && value.length <= 128 && SAFE_ID.test(value) && !value.includes('..')) return value;
  throw new ShowrunnerError('SR_CONFIG_INVALID', `${PLUGIN_NAME}: owner "${String(value).slice(0, 80)}" is not a path segment.`, {
    plugin: PLUGIN_NAME,
    slot: 'storage',
    field: 'owner',
    hint: `An owner is ${SAFE_ID_RULE}, at most 128 characters (e.g. a user id).`,
  });
}

/** The stored name: the file's own name, which must be a plain name (merge writes `final.mp4`, `captions.vtt`...). */
function fileName(runPath: string): string {
  const name = path.posix.basename(runPath);
  if (SAFE_ID.test(name) && !name.includes('..')) return name;
  throw new ShowrunnerError('SR_STORAGE_FAILED', `The file name of ${JSON.stringify(runPath.slice(0, 200))} cannot be stored.`, {
    plugin: PLUGIN_NAME,
    file: runPath,
    hint: `File names are ${SAFE_ID_RULE}.`,
  });
}

/** One signing request for every file (`POST /object/sign/<bucket>` with `paths`). */
async function signedUrls(b: Bucket, targets: Target[], expiresIn: number, signal: AbortSignal): Promise<string[]> {
  const keys = targets.map((t) => t.key);
  const label = `${keys.length} signed URLs`;
  const signed = await retrying(
    b.policy,
    signal,
    () => call(b, signal, (api) => api.createSignedUrls(keys, expiresIn)),
    (f, n, note) => storageFailed('create', label, b, path.posix.dirname(keys[0]!), f, n, note),
  );
  return targets.map((t, i) => {
    const entry = signed?.find((s) => s.path === t.key) ?? signed?.[i];
    if (entry?.signedUrl) return entry.signedUrl;
    throw new ShowrunnerError(
      'SR_STORAGE_FAILED',
      `Could not sign ${t.file.path} (${b.name}/${t.key}): ${entry?.error ?? 'no URL returned'}.`,
      {
        plugin: PLUGIN_NAME,
        file: t.file.path,
      },
    );
  });
}
