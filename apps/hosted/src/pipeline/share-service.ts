import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { db } from '../db/client';
import * as sharesDb from '../db/shares';
import { HostedError } from '../errors';
import { conflict, requireDemo } from './common';
import type { SharedVideo, ShareLink } from './types';
import { type RunResult, toShareLink, videoFiles } from './views';

/** A share token: 32 random bytes, base64url (43 characters). */
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A public link to a finished demo's video (SR_CONFLICT before it is done). */
export async function createShare(userId: string, id: string): Promise<ShareLink> {
  const { demo, run } = await requireDemo(db(), userId, id);
  if (run?.status !== 'done') throw conflict('share the video', run?.status);
  const row = await sharesDb.insertShare(db(), userId, demo.id, randomBytes(32).toString('base64url'));
  if (!row) throw new HostedError('SR_NOT_FOUND', `No demo ${id}.`);
  return toShareLink(row);
}

/** Revoke one of this user's links; SR_NOT_FOUND for a link that is not on this user's demo. */
export async function revokeShare(userId: string, id: string, token: string): Promise<void> {
  const { demo } = await requireDemo(db(), userId, id);
  const ok = typeof token === 'string' && SHARE_TOKEN.test(token) && (await sharesDb.revokeShare(db(), userId, demo.id, token));
  if (!ok) throw new HostedError('SR_NOT_FOUND', 'No such share link.', { field: 'token' });
}

/**
 * When a stored file's link stops working: a signed Supabase URL carries a JWT (`token=`) with `exp`;
 * a local file is gone when deleted. Undefined when the link does not say.
 */
export function linkExpired(url: string, now = Date.now()): boolean {
  if (url.startsWith('file:')) return !existsSync(fileURLToPath(url));
  try {
    const token = new URL(url).searchParams.get('token');
    const payload = token?.split('.')[1];
    if (!payload) return false;
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number };
    return typeof exp === 'number' && exp * 1000 <= now;
  } catch {
    return false;
  }
}

/**
 * What `/share/<token>` shows, without signing in: the video's files (served under
 * `/api/share/<token>/files/<role>`), or why not — revoked, expired (past its plan's retention, its
 * stored link lapsed or the file is gone), missing (no such link, or the demo has no finished video).
 */
export async function sharedVideo(token: string): Promise<SharedVideo> {
  if (typeof token !== 'string' || !SHARE_TOKEN.test(token)) return { state: 'missing' };
  const found = await sharesDb.findShare(db(), token);
  if (!found) return { state: 'missing' };
  const title = found.demo.title;
  if (found.share.revokedAt) return { state: 'revoked', title };
  if (found.demo.expiredAt) return { state: 'expired', title }; // the retention job removed its files
  const files = found.run && videoFiles(found.run, `/api/share/${token}/files`);
  if (!files) return { state: 'missing', title };
  const video = (found.run!.result as RunResult).files.find((f) => f.role === 'video');
  if (!video || linkExpired(video.url)) return { state: 'expired', title };
  return { state: 'ok', title, files };
}
