import { DEV_COOKIE, devUserId, signDevSession } from '@/src/auth/dev-session';
import { authMode } from '@/src/auth/mode';

/**
 * POST /api/dev/session (development mode only): the sign-in form's target. Sets the signed session
 * cookie for the typed name and sends the browser to the dashboard (303, so the form is not resent).
 */
export async function POST(req: Request): Promise<Response> {
  if (authMode() !== 'dev') return new Response('Not found', { status: 404 });
  const form = await req.formData().catch(() => undefined);
  const name = String(form?.get('name') ?? '')
    .trim()
    .slice(0, 40);
  const id = devUserId(name);
  if (!id) return redirect('/sign-in?error=name');
  const { token, maxAge } = await signDevSession({ id, name });
  const res = redirect('/dashboard');
  res.headers.append('set-cookie', `${DEV_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`);
  return res;
}

function redirect(to: string): Response {
  return new Response(null, { status: 303, headers: { location: to } });
}
