import { ZodError, type z } from 'zod';
import { HostedError } from '../errors';
import { signedInUser } from './current-user';

// Every API route goes through `api()` (signed in) or `publicApi()` (share links): the handler
// only parses its input, calls the service and returns data. Errors become the contract's JSON —
// `{ error: { code, message, field?, step? } }` with the code's status — and signed-out requests
// get 401 JSON, never a redirect to a sign-in page (a fetch cannot follow one usefully).

/** What a handler gets: the request, its route params and (for `api`) the signed-in user's id. */
export interface ApiContext<P> {
  req: Request;
  params: P;
  userId: string;
}

type Handler<C> = (ctx: C) => Promise<Response | unknown>;
type RouteHandler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

/** A route for signed-in users: 401 JSON when signed out. Plain data is sent as JSON (200). */
export function api<P = Record<string, never>>(handler: Handler<ApiContext<P>>): RouteHandler<P> {
  return async (req, ctx) => {
    try {
      const user = await signedInUser();
      if (!user) throw new HostedError('SR_UNAUTHORIZED', 'Sign in to use this API.');
      return toResponse(await handler({ req, params: await ctx.params, userId: user.id }));
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** A route anyone may call (the share link's files). */
export function publicApi<P>(handler: Handler<Omit<ApiContext<P>, 'userId'>>): RouteHandler<P> {
  return async (req, ctx) => {
    try {
      return toResponse(await handler({ req, params: await ctx.params }));
    } catch (err) {
      return errorResponse(err);
    }
  };
}

function toResponse(result: unknown): Response {
  if (result instanceof Response) return result;
  return json(result ?? { ok: true });
}

/** JSON that no cache keeps (every answer is about one person's data). */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('cache-control', 'no-store');
  return Response.json(body, { ...init, headers });
}

/**
 * The response for an error: a HostedError with its status and fields; anything else is
 * SR_INTERNAL with a generic message (the real one goes to the server log only, it may hold paths,
 * SQL or someone else's data).
 */
export function errorResponse(err: unknown): Response {
  if (err instanceof HostedError) return json({ error: err.toJSON() }, { status: err.status });
  console.error('[hosted api]', err);
  return json(
    { error: { code: 'SR_INTERNAL', message: 'Something went wrong on our side. Try again in a moment.' } },
    { status: 500 },
  );
}

/**
 * The request body parsed with `schema`: SR_BAD_REQUEST naming the first field at fault when the
 * body is not JSON or does not match.
 */
export async function readBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new HostedError('SR_BAD_REQUEST', 'The request body must be JSON.');
  }
  return parse(schema, body);
}

/** `value` parsed with `schema`, as readBody reports it (also used for route params and queries). */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  try {
    return schema.parse(value);
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    const issue = err.issues[0];
    const field = issue?.path.join('.') || undefined;
    throw new HostedError('SR_BAD_REQUEST', field ? `${field}: ${issue?.message}` : (issue?.message ?? 'Invalid request.'), {
      field,
    });
  }
}
