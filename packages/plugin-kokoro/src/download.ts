import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type Logger, ShowrunnerError } from '@showrunner/core';
import type { ResolvedOptions } from './options.js';
import { PLUGIN_NAME } from './voices.js';
import { fileUrl } from './weights.js';

/**
 * Fetch `files` of the model into `folder`, one after another. Each file is written to `<file>.part`
 * and renamed when complete, so an interrupted download (Ctrl-C, lost network) never leaves a
 * truncated file that looks present; transformers.js's own downloader writes in place. Called by the
 * plugin's model load, at most once per run, only when `allowDownload` is true.
 */
export async function downloadWeights(
  o: ResolvedOptions,
  folder: string,
  files: string[],
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  log.info(
    `Downloading Kokoro weights (${o.dtype}) to ${folder}: ${files.join(', ')}. This happens once; later runs are offline.`,
  );
  for (const file of files) {
    const url = fileUrl(o, file);
    const dest = path.join(folder, file);
    const part = `${dest}.part`;
    const fail = (why: string, cause?: unknown) =>
      new ShowrunnerError('SR_TTS_DOWNLOAD_FAILED', `Could not download Kokoro model file ${file} from ${url}: ${why}.`, {
        stage: 'tts',
        plugin: PLUGIN_NAME,
        file: dest,
        cause,
        hint: `Check the network (or set endpoint / HF_ENDPOINT to a mirror), or fetch it yourself: \`curl -fL --create-dirs -o ${dest} ${url}\`.`,
      });
    let res: Response;
    try {
      res = await fetch(url, { signal, redirect: 'follow' });
    } catch (err) {
      if (signal.aborted) throw err;
      const cause = (err as Error & { cause?: Error }).cause;
      throw fail(`${(err as Error).message}${cause?.message ? ` (${cause.message})` : ''}`, err);
    }
    if (!res.ok || !res.body) throw fail(`HTTP ${res.status} ${res.statusText}`.trim());
    // fetch() inflates compressed bodies, so Content-Length only counts bytes when there is no encoding
    const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const expected = encoded ? Number.NaN : Number(res.headers.get('content-length') ?? Number.NaN);
    if (expected > 0) log.info(`Fetching ${file} (${(expected / 1048576).toFixed(1)} MiB)`);
    await mkdir(path.dirname(dest), { recursive: true });
    try {
      let bytes = 0;
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      await pipeline(body, createWriteStream(part), { signal });
      if (expected > 0 && bytes !== expected) throw fail(`received ${bytes} of ${expected} bytes`);
      await rename(part, dest);
    } catch (err) {
      if (signal.aborted || err instanceof ShowrunnerError) throw err;
      throw fail((err as Error).message, err);
    } finally {
      await rm(part, { force: true });
    }
  }
}
