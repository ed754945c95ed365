import { api, json } from '@/src/auth/api';
import { createShare } from '@/src/pipeline/service';
import { demoId } from '@/src/web/params';

/** POST /api/demos/:id/shares: a new public link to the finished video (201 + ShareLink). */
export const POST = api<{ id: string }>(async ({ userId, params }) =>
  json(await createShare(userId, demoId(params.id)), { status: 201 }),
);
