import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ShowrunnerError } from '@showrunner/core';
import { type Bucket, call, networkMessage } from './client.js';
import { PLUGIN_NAME } from './options.js';
import { aborted, Failure, retrying } from './retry.js';
import { type ObjectHeaders, resumableUpload } from './tus.js';

/**
 * Upload `file` to `key` (upsert), in one request up to `resumableThresholdBytes` and resumable (TUS)
 * above, retrying transient failures. `label` names the file in errors (its run-relative path).
 * Called concurrently for different keys.
 */
export async function uploadFile(
  bucket: Bucket,
  key: string,
  file: string,
  headers: ObjectHeaders,
  signal: AbortSignal | undefined,
  label: string,
): Promise<void> {
  const fail = (f: Failure, n: number, note?: string) => storageFailed('upload', label, bucket, key, f, n, note);
  const size = (await stat(file).catch((err) => unreadable(label, err))).size;
  if (size > bucket.options.resumableThresholdBytes) {
    const tus = resumableUpload(bucket, key, file, size, headers);
    try {
      await retrying(bucket.policy, signal, () => tus.attempt(signal), fail);
    } finally {
      tus.close();
    }
    return;
  }
  const body = await readFile(file).catch((err) => unreadable(label, err));
  const fileOptions = { contentType: headers.contentType, cacheControl: String(headers.cacheControl), upsert: true };
  await retrying(bucket.policy, signal, () => call(bucket, signal, (api) => api.upload(key, body, fileOptions)), fail);
}

/**
 * Download `key` to `to` through a temporary file renamed at the end, so an interrupted download never
 * looks like a finished one. Retries transient failures, a body that stops arriving included.
 */
export async function downloadFile(
  bucket: Bucket,
  key: string,
  to: string,
  signal: AbortSignal | undefined,
  label: string,
): Promise<void> {
  const fail = (f: Failure, n: number, note?: string) => storageFailed('download', label, bucket, key, f, n, note);
  await mkdir(path.dirname(to), { recursive: true });
  const part = `${to}.part-${randomBytes(4).toString('hex')}`;
  try {
    await retrying(
      bucket.policy,
      signal,
      async () => {
        const body = await call(bucket, signal, (api) => api.download(key).asStream());
        try {
          const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
          await pipeline(source, idleGuard(bucket.options.requestTimeoutMs), createWriteStream(part), { signal });
        } catch (err) {
          if (signal?.aborted) throw aborted(signal.reason);
          throw new Failure(networkMessage(err), { cause: err });
        }
      },
      fail,
    );
    await rename(part, to);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
}

/** Ends a body that stops arriving for `ms` (the request's timeout only covers the wait for headers). */
function idleGuard(ms: number): Transform {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => guard.destroy(new Error(`no data for ${ms} ms`)), ms);
  };
  const guard = new Transform({
    transform(chunk, _encoding, done) {
      arm();
      done(null, chunk);
    },
  });
  guard.on('close', () => clearTimeout(timer));
  arm();
  return guard;
}

/**
 * SR_STORAGE_FAILED naming the file, the object, the HTTP status (and Storage's own code when it put
 * one in the body) and Storage's message, with a hint for the usual causes.
 */
export function storageFailed(
  action: string,
  label: string,
  bucket: Bucket,
  key: string,
  failure: Failure,
  attempts: number,
  note?: string,
): ShowrunnerError {
  const { status, code } = failure;
  const http = status === undefined ? '' : `HTTP ${status}${code && code !== String(status) ? ` (${code})` : ''}: `;
  const tries = attempts > 1 ? `, after ${attempts} attempts` : '';
  const message = `Could not ${action} ${label} (${bucket.name}/${key}): ${http}${failure.message}${tries}${note ? `; ${note}` : ''}.`;
  return new ShowrunnerError('SR_STORAGE_FAILED', message, {
    plugin: PLUGIN_NAME,
    file: label,
    hint: hintFor(failure, bucket),
    cause: failure,
  });
}

function hintFor({ status, code, message, transient }: Failure, bucket: Bucket): string | undefined {
  const real = code && /^\d+$/.test(code) ? Number(code) : status;
  if (status === 401 || real === 401 || real === 403)
    return 'Storage refused the key: check serviceKey / SUPABASE_SERVICE_ROLE_KEY.';
  if (/bucket not found/i.test(message))
    return `Create the bucket "${bucket.name}" in Supabase (Storage → New bucket) or set "bucket".`;
  if (real === 413) return "The file is over the bucket's or the project's upload size limit.";
  if (transient) return 'Storage was unavailable or busy; the stage can be run again.';
  return undefined;
}

function unreadable(label: string, err: unknown): never {
  throw new ShowrunnerError('SR_STORAGE_FAILED', `Cannot read ${label}: ${(err as Error).message}`, {
    plugin: PLUGIN_NAME,
    file: label,
    cause: err,
  });
}
