/**
 * How people sign in: `clerk` when both Clerk keys are set, otherwise `dev` (a local sign-in where
 * anyone picks a name). Read by proxy.ts, instrumentation.ts, the layouts and currentUserId().
 *
 * The publishable key is a NEXT_PUBLIC_ variable, which Next writes into the build: build and start
 * with the same environment.
 */
export type AuthMode = 'clerk' | 'dev';

export function authMode(): AuthMode {
  return process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY && process.env.CLERK_SECRET_KEY ? 'clerk' : 'dev';
}

/** What the server prints when it refuses to start in production without Clerk (instrumentation.ts). */
export const DEV_MODE_REFUSED =
  'SR_AUTH_UNCONFIGURED: the hosted app is in development mode (local sign-in, anyone can pick any name) ' +
  'because NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY are not both set, and NODE_ENV is production. ' +
  'Set both Clerk keys (and CLERK_JWT_KEY, the PEM public key, so sessions are verified without a network call) ' +
  'before `next build` and `next start`, or run `next dev` for the development mode.';

/**
 * Throws when development mode would serve a production server. Called by instrumentation.ts at
 * startup and again by the dev sign-in, so a server started some other way still refuses.
 */
export function assertAuthConfigured(): void {
  if (authMode() === 'dev' && process.env.NODE_ENV === 'production') throw new Error(DEV_MODE_REFUSED);
}
