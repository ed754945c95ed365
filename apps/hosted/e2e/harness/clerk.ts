import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';

// Clerk as in production, without Clerk: the test owns an RSA-2048 key pair, gives the server the
// public half as CLERK_JWT_KEY (clerkMiddleware verifies with it, no network), and signs session
// tokens with the private half exactly as Clerk's Frontend API would (RS256, v2 claims).

/** The publishable key of a development instance at example.clerk.accounts.dev (base64 of its host + `$`). */
export const PUBLISHABLE_KEY = 'pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk';
/** Any secret key works offline; clerkMiddleware only requires one to be set. */
export const SECRET_KEY = 'sk_test_e2e_offline_0000000000000000000000000000';
const ISSUER = 'https://example.clerk.accounts.dev';

/** A new key pair: `publicPem` (SPKI, what CLERK_JWT_KEY holds) and `privatePem` (PKCS#8, for signing). */
export function clerkKeys(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicPem: publicKey, privatePem: privateKey };
}

/** A Clerk session token for `userId`, valid for an hour, signed with the test's private key. */
export async function sessionToken(privatePem: string, userId: string, origin: string): Promise<string> {
  const key = await importPKCS8(privatePem, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: `sess_${userId}`, azp: origin, v: 2, sts: 'active' })
    .setProtectedHeader({ alg: 'RS256', kid: 'ins_e2e', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setIssuedAt(now - 5)
    .setNotBefore(now - 10)
    .setExpirationTime(now + 3600)
    .sign(key);
}

/**
 * The cookies of a browser signed in to a Clerk development instance: the session token, the
 * client's "updated at" (not newer than the token, or Clerk asks for a fresh one) and the dev-browser
 * token (without it a development instance redirects every page to its handshake).
 */
export async function sessionCookies(privatePem: string, userId: string, origin: string) {
  const token = await sessionToken(privatePem, userId, origin);
  const url = new URL(origin);
  const cookie = (name: string, value: string) => ({
    name,
    value,
    domain: url.hostname,
    path: '/',
    httpOnly: false,
    secure: false,
    sameSite: 'Lax' as const,
  });
  return [
    cookie('__session', token),
    cookie('__client_uat', String(Math.floor(Date.now() / 1000) - 10)),
    cookie('__clerk_db_jwt', 'dvb_e2e'),
  ];
}

/** A signed-out browser of a development instance: it has a dev-browser token and no session. */
export function signedOutCookies(origin: string) {
  const url = new URL(origin);
  return [
    {
      name: '__client_uat',
      value: '0',
      domain: url.hostname,
      path: '/',
      httpOnly: false,
      secure: false,
      sameSite: 'Lax' as const,
    },
    {
      name: '__clerk_db_jwt',
      value: 'dvb_e2e',
      domain: url.hostname,
      path: '/',
      httpOnly: false,
      secure: false,
      sameSite: 'Lax' as const,
    },
  ];
}
