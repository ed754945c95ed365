import { clerkMiddleware } from '@clerk/nextjs/server';
import { type NextFetchEvent, type NextMiddleware, type NextRequest, NextResponse } from 'next/server';
import { authMode } from './src/auth/mode';

// Next 16's middleware file. With Clerk keys, clerkMiddleware verifies the session token on every
// matched request. `jwtKey` must be passed here: @clerk/nextjs does not read CLERK_JWT_KEY itself,
// and without it every verification fetches the JWKS from Clerk's API (measured in
// shared/research/feas-host.md §3). Nothing is protected here: pages send signed-out visitors to
// /sign-in and API routes answer 401 JSON themselves (auth.protect() would redirect a fetch).
// Development mode needs nothing here: currentUserId() reads its own signed cookie.

let clerk: NextMiddleware | undefined;

export default function proxy(req: NextRequest, event: NextFetchEvent) {
  if (authMode() !== 'clerk') return NextResponse.next();
  clerk ??= clerkMiddleware(async () => {}, { jwtKey: process.env.CLERK_JWT_KEY, signInUrl: '/sign-in' });
  return clerk(req, event);
}

export const config = {
  matcher: [
    // Everything but Next's assets, static files, and the public share pages and files: a share
    // link's visitor never goes through Clerk (no handshake redirect for someone who has no account).
    '/((?!_next|share/|api/share/|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|txt|webmanifest|map)).*)',
    // The queue view's own scripts and styles are checked like its pages.
    '/admin/:path*',
  ],
};
