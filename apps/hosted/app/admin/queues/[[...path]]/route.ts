import { currentUserId } from '@/src/auth/current-user';
import { env } from '@/src/env';
import { queueBoard } from '@/src/web/queue-board';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * /admin/queues/*: the operator's bull-board, for the user ids in ADMIN_USER_IDS only. Everyone else,
 * signed in or not, gets the same 404 as a page that does not exist (the view's existence is not told).
 */
async function handle(req: Request): Promise<Response> {
  const userId = await currentUserId();
  if (!userId || !env().ADMIN_USER_IDS.includes(userId)) {
    return new Response('Not found', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    });
  }
  return queueBoard().fetch(req);
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
