import { api } from '@/src/auth/api';
import { revokeShare } from '@/src/pipeline/service';
import { demoId, shareToken } from '@/src/web/params';

/** DELETE /api/demos/:id/shares/:token: revokes the link (its page then says so). */
export const DELETE = api<{ id: string; token: string }>(async ({ userId, params }) => {
  await revokeShare(userId, demoId(params.id), shareToken(params.token));
  return { ok: true };
});
