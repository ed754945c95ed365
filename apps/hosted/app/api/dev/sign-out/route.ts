import { DEV_COOKIE } from '@/src/auth/dev-session';
import { authMode } from '@/src/auth/mode';

/** POST /api/dev/sign-out (development mode only): drops the session cookie, back to the landing page. */
export async function POST(): Promise<Response> {
  if (authMode() !== 'dev') return new Response('Not found', { status: 404 });
  return new Response(null, {
    status: 303,
    headers: {
      location: '/',
      'set-cookie': `${DEV_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
    },
  });
}
