import * as z from 'zod';
import { HostedError } from '../errors';

// Route params checked before they reach the service: a malformed id is simply a demo that does not
// exist (404, the same answer as someone else's demo), never a database error.

const DemoId = z.uuid();
const Token = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);

/** File roles the files routes serve. */
export const FILE_ROLES = ['video', 'poster', 'captions', 'chapters', 'failure'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

/** The demo id of a route, or SR_NOT_FOUND. */
export function demoId(value: string): string {
  if (!DemoId.safeParse(value).success) throw new HostedError('SR_NOT_FOUND', 'No such demo.');
  return value;
}

/** A share token of a route, or SR_NOT_FOUND. */
export function shareToken(value: string): string {
  if (!Token.safeParse(value).success) throw new HostedError('SR_NOT_FOUND', 'No such share link.');
  return value;
}

/** A file role of a route, or SR_NOT_FOUND. */
export function fileRole(value: string): FileRole {
  if (!(FILE_ROLES as readonly string[]).includes(value)) throw new HostedError('SR_NOT_FOUND', `No file "${value}".`);
  return value as FileRole;
}
