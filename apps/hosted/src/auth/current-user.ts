import { cookies } from 'next/headers';
import { ensureUser, isDeletedUser } from '../pipeline/service';
import { DEV_COOKIE, readDevSession } from './dev-session';
import { authMode } from './mode';

/** Who is signed in, as pages and API routes see it. */
export interface SignedIn {
  id: string;
  /** The name typed at the development sign-in (Clerk users: undefined; the webhook keeps profiles). */
  name?: string;
}

/**
 * The signed-in person of this request, or undefined. Clerk: `auth()` (the session token verified by
 * clerkMiddleware with CLERK_JWT_KEY, no network call). Development mode: the signed cookie.
 * Server components and route handlers only (it reads the request's cookies).
 */
export async function currentUser(): Promise<SignedIn | undefined> {
  if (authMode() === 'clerk') {
    const { auth } = await import('@clerk/nextjs/server');
    const { userId } = await auth();
    return userId ? { id: userId } : undefined;
  }
  const jar = await cookies();
  return readDevSession(jar.get(DEV_COOKIE)?.value);
}

/** The signed-in user's id, or undefined. */
export async function currentUserId(): Promise<string | undefined> {
  return (await currentUser())?.id;
}

// Users already inserted by this process: ensureUser is idempotent, but one insert per person and
// process is enough (a deleted row comes back on the next restart, or through the Clerk webhook).
const known = new Set<string>();

/**
 * The signed-in user, made sure to exist in the users table (first request of a new person), or
 * undefined when signed out — also for a user deleted in Clerk whose session token is still valid
 * (their tombstone is checked on every request, a primary-key read): API routes answer 401, pages
 * send them to sign in. Pages and the API wrapper call this instead of currentUser().
 */
export async function signedInUser(): Promise<SignedIn | undefined> {
  const user = await currentUser();
  if (!user) return undefined;
  if (!known.has(user.id)) {
    await ensureUser(user.id, user.name ? { name: user.name } : undefined);
    known.add(user.id);
  }
  if (await isDeletedUser(user.id)) return undefined;
  return user;
}
