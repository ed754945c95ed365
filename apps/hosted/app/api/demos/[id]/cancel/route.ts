import { api } from '@/src/auth/api';
import { cancelDemo, getDemo } from '@/src/pipeline/service';
import { demoId } from '@/src/web/params';

/** POST /api/demos/:id/cancel: stops the run; answers with the demo as it is now. */
export const POST = api<{ id: string }>(async ({ userId, params }) => {
  const id = demoId(params.id);
  await cancelDemo(userId, id);
  return getDemo(userId, id);
});
