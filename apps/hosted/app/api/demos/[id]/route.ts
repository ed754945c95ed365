import { api } from '@/src/auth/api';
import { deleteDemo, getDemo } from '@/src/pipeline/service';
import { demoId } from '@/src/web/params';

type Params = { id: string };

/** GET /api/demos/:id: everything the demo page shows (404 for someone else's demo). */
export const GET = api<Params>(({ userId, params }) => getDemo(userId, demoId(params.id)));

/** DELETE /api/demos/:id: cancels the run, removes its files and rows. */
export const DELETE = api<Params>(async ({ userId, params }) => {
  await deleteDemo(userId, demoId(params.id));
  return { ok: true };
});
