import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { safeJoin } from '@showrunner/core';
import { db } from '../db/client';
import type { DemoWithRun } from '../db/demos';
import { findShare } from '../db/shares';
import { dataDirs } from '../env';
import { HostedError } from '../errors';
import { notFound, requireDemo } from './common';
import { hostedConfig } from './config';
import { queue } from './queue';
import { linkExpired, SHARE_TOKEN } from './share-service';
import { type RunFailure, type RunResult, typeOf } from './views';

/** The files a page may ask for. `failure` (the failed step's screenshot) only for the owner. */
export type FileRole = 'video' | 'poster' | 'captions' | 'chapters' | 'failure';
const ROLES: FileRole[] = ['video', 'poster', 'captions', 'chapters', 'failure'];

/** A file to send: the body (the requested range of it), its length, and how to label it. */
export interface FileBody {
  stream: ReadableStream<Uint8Array>;
  /** Bytes in `stream` (the Content-Length). */
  size: number;
  contentType: string;
  status: 200 | 206;
  /** `bytes <start>-<end>/<total>` for a 206. */
  contentRange?: string;
}
/** Where a file stored elsewhere (signed Supabase URL) is: the route answers with a redirect. */
export type FileAnswer = FileBody | { redirect: string };

/**
 * `bytes=a-b`, `bytes=a-`, `bytes=-n` as [start, end] within `size`; undefined for no range, a range
 * this server does not serve (several ranges) or one it cannot satisfy: the whole file is sent then,
 * which HTTP allows (a server may ignore Range).
 */
export function parseRange(range: string | null | undefined, size: number): [number, number] | undefined {
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (!m || (!m[1] && !m[2]) || size === 0) return undefined;
  const [start, end] = m[1]
    ? [Number(m[1]), m[2] ? Math.min(Number(m[2]), size - 1) : size - 1]
    : [Math.max(0, size - Number(m[2])), size - 1];
  return start <= end && start < size ? [start, end] : undefined;
}

function body(
  stream: ReadableStream<Uint8Array>,
  size: number,
  contentType: string,
  range?: [number, number],
  total = size,
): FileBody {
  if (!range) return { stream, size, contentType, status: 200 };
  return { stream, size, contentType, status: 206, contentRange: `bytes ${range[0]}-${range[1]}/${total}` };
}

/** A local file, or the requested range of it. */
async function localFile(file: string, range?: string | null): Promise<FileBody> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new HostedError('SR_NOT_FOUND', 'The file is gone.');
  const span = parseRange(range, info.size);
  const nodeStream = createReadStream(file, span ? { start: span[0], end: span[1] } : {});
  const web = Readable.toWeb(nodeStream) as ReadableStream<Uint8Array>;
  return body(web, span ? span[1] - span[0] + 1 : info.size, typeOf(file), span, info.size);
}

/** Bytes made here (the chapters WebVTT), or the requested range of them. */
function bytes(data: Buffer, contentType: string, range?: string | null): FileBody {
  const span = parseRange(range, data.length);
  const part = span ? data.subarray(span[0], span[1] + 1) : data;
  return body(new Blob([new Uint8Array(part)]).stream(), part.length, contentType, span, data.length);
}

const stamp = (ms: number) => {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = (ms / 1000) % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(3).padStart(6, '0')}`;
};

/** The video's chapters as a WebVTT file (`<track kind="chapters">`). */
export function chaptersVtt(chapters: NonNullable<RunResult['chapters']>): string {
  const cues = chapters.map((c, i) => `${i + 1}\n${stamp(c.startMs)} --> ${stamp(c.endMs)}\n${c.title.replace(/\n+/g, ' ')}\n`);
  return `WEBVTT\n\n${cues.join('\n')}`;
}

/** The demo the caller may read: the owner's, or the one a live share link points at. */
async function reach(
  who: string | { share: string },
  id: string | undefined,
): Promise<DemoWithRun & { runId: string; shared: boolean }> {
  if (typeof who === 'string') return { ...(await requireDemo(db(), who, id ?? '')), shared: false };
  const token = who.share;
  const found = typeof token === 'string' && SHARE_TOKEN.test(token) ? await findShare(db(), token) : undefined;
  if (!found || found.share.revokedAt || (id !== undefined && found.demo.id !== id))
    throw new HostedError('SR_NOT_FOUND', 'No such share link.');
  return { demo: found.demo, run: found.run, runId: found.demo.runId ?? found.demo.id, shared: true };
}

/**
 * One file of a demo: for the owner (`userId`) or anyone with a live share link (`{ share: token }`;
 * `id` may then be undefined). The finished video, poster and captions come from where storage put
 * them — a local file (streamed, with HTTP Range: 206 and Content-Range) or a signed URL (a redirect);
 * chapters are WebVTT made from the merge's chapters; `failure` is the failed step's screenshot while
 * the run is paused (owner only). SR_NOT_FOUND for anything else, and for every file of an expired demo.
 */
export async function openFile(
  who: string | { share: string },
  id: string | undefined,
  role: FileRole,
  range?: string | null,
): Promise<FileAnswer> {
  if (!ROLES.includes(role)) throw new HostedError('SR_NOT_FOUND', `No file "${String(role).slice(0, 40)}".`, { field: 'role' });
  const { demo, run, runId, shared } = await reach(who, id);
  if (role === 'failure') {
    const failure = run?.status === 'paused' ? (run.failure as RunFailure | null) : null;
    if (shared || !failure?.screenshot) throw new HostedError('SR_NOT_FOUND', 'No failure screenshot.');
    const runDir = queue().runDir(runId);
    const file = safeJoin(runDir, failure.screenshot);
    if (!(await stat(file).catch(() => undefined))) {
      // Workers on other machines push the screenshot to the run files before pausing: pull it here.
      const config = await hostedConfig();
      await config.files?.pull(runId, [failure.screenshot], runDir, AbortSignal.timeout(30_000)).catch(() => {});
    }
    return localFile(file, range);
  }
  // The retention sweep removed the files (a Supabase link signed before might otherwise still redirect).
  if (demo.expiredAt) throw new HostedError('SR_NOT_FOUND', 'This video has expired.');
  const result = run?.status === 'done' ? (run.result as RunResult | null) : null;
  if (!result) throw notFound(demo.id);
  if (role === 'chapters') {
    if (!result.chapters?.length) throw new HostedError('SR_NOT_FOUND', 'This video has no chapters.');
    return bytes(Buffer.from(chaptersVtt(result.chapters)), 'text/vtt; charset=utf-8', range);
  }
  const stored = result.files.find((f) => f.role === role);
  if (!stored) throw new HostedError('SR_NOT_FOUND', `This video has no ${role}.`);
  if (!stored.url.startsWith('file:')) {
    if (linkExpired(stored.url)) throw new HostedError('SR_NOT_FOUND', 'The link to this file has expired.');
    return { redirect: stored.url };
  }
  const local = fileURLToPath(stored.url);
  const videos = dataDirs().videos;
  if (!local.startsWith(videos + path.sep))
    throw new HostedError('SR_NOT_FOUND', "The file is not in this server's videos folder.");
  return localFile(local, range);
}
