import { createReadStream } from 'node:fs';
import { type DetailedError, Upload } from 'tus-js-client';
import type { Bucket } from './client.js';
import { networkMessage } from './client.js';
import { TUS_CHUNK_BYTES } from './options.js';
import { aborted, Failure, retryAfterMs } from './retry.js';

/** What a stored object carries besides its bytes. */
export interface ObjectHeaders {
  contentType: string;
  /** Seconds, sent as `max-age`. */
  cacheControl: number;
}

/**
 * A resumable (TUS) upload of one file to `key`, as Supabase documents it: `POST
 * /storage/v1/upload/resumable` with the bucket, object name, type and cache in Upload-Metadata, then
 * 6 MiB PATCH chunks. Returns one attempt function: each call starts or resumes the same upload (a
 * HEAD asks the server for its offset, so bytes already stored are not sent again). tus-js-client's own
 * retries are off; the caller's loop retries, honouring Retry-After and the run's signal. `close` frees the file.
 */
export function resumableUpload(bucket: Bucket, key: string, file: string, size: number, headers: ObjectHeaders) {
  const { url, serviceKey } = bucket.credentials;
  const source = createReadStream(file);
  let settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const stalledAfter = bucket.options.requestTimeoutMs;

  const upload = new Upload(source, {
    endpoint: `${url}/storage/v1/upload/resumable`,
    headers: { authorization: `Bearer ${serviceKey}`, apikey: serviceKey, 'x-upsert': 'true' },
    metadata: {
      bucketName: bucket.name,
      objectName: key,
      contentType: headers.contentType,
      cacheControl: String(headers.cacheControl),
    },
    uploadSize: size,
    chunkSize: TUS_CHUNK_BYTES,
    uploadDataDuringCreation: true,
    removeFingerprintOnSuccess: true,
    retryDelays: null,
    onProgress: () => armWatchdog(),
    onSuccess: () => settle?.resolve(),
    onError: (err) => settle?.reject(failureOf(err)),
  });

  // tus-js-client has no request timeout: a server that stops reading would hold the upload forever.
  function armWatchdog() {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      void upload.abort();
      settle?.reject(new Failure(`network error: no upload progress for ${stalledAfter} ms`));
    }, stalledAfter);
  }

  const attempt = (signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      const finish = (err?: unknown) => {
        clearTimeout(watchdog);
        signal?.removeEventListener('abort', onAbort);
        settle = undefined;
        if (err === undefined) resolve();
        else reject(err);
      };
      const onAbort = () => {
        void upload.abort();
        finish(aborted(signal?.reason));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      settle = { resolve: () => finish(), reject: (err) => finish(err) };
      armWatchdog();
      upload.start();
    });

  const close = () => {
    clearTimeout(watchdog);
    source.destroy();
  };
  return { attempt, close };
}

/** A tus-js-client error as a Failure: the response's status and text body (Storage's message), or a network error. */
function failureOf(err: Error | DetailedError): Failure {
  const res = (err as DetailedError).originalResponse;
  if (!res) return new Failure(networkMessage((err as DetailedError).causingError ?? err), { cause: err });
  const status = res.getStatus();
  const wait = status === 429 || status === 503 ? retryAfterMs(res.getHeader('Retry-After')) : undefined;
  // We always upsert, so a 409 is an offset conflict, which a resume clears (its HEAD reads the true offset).
  const transient = status === 409 ? true : undefined;
  return new Failure(messageOf(res.getBody() ?? '') || `HTTP ${status}`, { status, retryAfterMs: wait, transient, cause: err });
}

/** Storage answers TUS errors with its message as text; the gateway with JSON `{ message }`. */
function messageOf(body: string): string {
  try {
    const json = JSON.parse(body) as { message?: unknown };
    if (typeof json?.message === 'string') return json.message;
  } catch {
    // plain text
  }
  return body.trim().slice(0, 500);
}
