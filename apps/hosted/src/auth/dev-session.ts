import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { dataDirs } from '../env';
import { assertAuthConfigured } from './mode';

// Development mode's sign-in: a person types a name and gets a cookie holding a JWT (HS256) with
// the user id `dev_<name>`. The signing secret is made once per data folder and kept there, so
// sessions survive a restart and every process of one deployment (web, workers) agrees on it.

/** The cookie that carries a development session. */
export const DEV_COOKIE = 'sr_dev_session';
const SECRET_FILE = 'dev-session.secret';
const MAX_AGE_S = 30 * 24 * 3600;

/** A signed-in development user. */
export interface DevUser {
  id: string;
  name: string;
}

let secret: Promise<Uint8Array> | undefined;

/** The HMAC key, created on first use with `wx` so two processes starting together keep one key. */
function devSecret(): Promise<Uint8Array> {
  secret ??= (async () => {
    const dir = dataDirs().root;
    const file = path.join(dir, SECRET_FILE);
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    return new TextEncoder().encode((await readFile(file, 'utf8')).trim());
  })();
  secret.catch(() => {
    secret = undefined;
  });
  return secret;
}

/**
 * The user id for a typed name: `dev_` and the name in lower case, letters, digits and dashes.
 * Returns undefined when nothing usable is left.
 */
export function devUserId(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);
  return slug ? `dev_${slug}` : undefined;
}

/** Signs a session for the dev sign-in route. Refuses in production, like the server's startup. */
export async function signDevSession(user: DevUser): Promise<{ token: string; maxAge: number }> {
  assertAuthConfigured();
  const token = await new SignJWT({ name: user.name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${MAX_AGE_S}s`)
    .sign(await devSecret());
  return { token, maxAge: MAX_AGE_S };
}

/** The user of a session cookie, or undefined when it is missing, forged or expired. */
export async function readDevSession(token: string | undefined): Promise<DevUser | undefined> {
  if (!token) return undefined;
  try {
    const { payload } = await jwtVerify(token, await devSecret(), { algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || !payload.sub.startsWith('dev_')) return undefined;
    return { id: payload.sub, name: typeof payload.name === 'string' ? payload.name : payload.sub.slice(4) };
  } catch {
    return undefined;
  }
}
