import * as z from 'zod';
import { api, readBody } from '@/src/auth/api';
import { replanStep } from '@/src/pipeline/service';
import { demoId } from '@/src/web/params';

const Body = z.object({
  index: z.number().int().min(0).max(199),
  sentence: z.string().trim().min(1, 'describe the step in a sentence').max(1000),
});

/** POST /api/demos/:id/steps/plan {index, sentence}: replacement cards for one step (not saved). */
export const POST = api<{ id: string }>(async ({ req, userId, params }) => {
  const { index, sentence } = await readBody(req, Body);
  return { steps: await replanStep(userId, demoId(params.id), index, sentence) };
});
