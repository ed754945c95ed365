import * as z from 'zod';
import { api, readBody } from '@/src/auth/api';
import { answer } from '@/src/pipeline/service';
import { demoId } from '@/src/web/params';

const Body = z.discriminatedUnion('choice', [
  z.object({ choice: z.literal('skip') }),
  z.object({ choice: z.literal('retry') }),
  z.object({ choice: z.literal('describe'), text: z.string().trim().min(1, 'describe the step in a sentence').max(1000) }),
]);

/** POST /api/demos/:id/decision {choice: skip|retry|describe, text?}: answers the failed step of a paused run. */
export const POST = api<{ id: string }>(async ({ req, userId, params }) => {
  const choice = await readBody(req, Body);
  return answer(userId, demoId(params.id), choice);
});
