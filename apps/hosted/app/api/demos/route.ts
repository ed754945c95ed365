import * as z from 'zod';
import { api, json, readBody } from '@/src/auth/api';
import { createDemo, listDemos } from '@/src/pipeline/service';

const NewDemoBody = z.object({
  url: z.string().trim().min(1, 'a URL is required').max(2048),
  description: z.string().trim().min(1, 'describe what the video should show').max(4000),
  language: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en or pt-BR')
    .optional(),
});

/** GET /api/demos: the signed-in user's demos and credits left. */
export const GET = api(({ userId }) => listDemos(userId));

/** POST /api/demos {url, description, language?}: takes a credit and starts planning (201 + DemoView). */
export const POST = api(async ({ req, userId }) => {
  const input = await readBody(req, NewDemoBody);
  return json(await createDemo(userId, input), { status: 201 });
});
