import * as z from 'zod';
import { api, readBody } from '@/src/auth/api';
import { saveSteps } from '@/src/pipeline/service';
import { demoId } from '@/src/web/params';

// The cards are checked field by field by the service (core's step schema; an error names
// `steps.<i>.<field>`), so the body is only checked for its shape here.
const Body = z.object({ steps: z.array(z.unknown()).max(200) });

/** PUT /api/demos/:id/steps {steps}: replaces the cards (only at review). */
export const PUT = api<{ id: string }>(async ({ req, userId, params }) => {
  const { steps } = await readBody(req, Body);
  return saveSteps(userId, demoId(params.id), steps);
});
