import * as z from 'zod';
import { api, readBody } from '@/src/auth/api';
import { startCheckout } from '@/src/billing/service';

const CheckoutBody = z.object({ plan: z.enum(['pro', 'team'], 'a paid plan: pro or team') });

/** POST /api/billing/checkout {plan}: a LemonSqueezy checkout for the signed-in user → { url } (opened as an overlay). */
export const POST = api(async ({ req, userId }) => {
  const { plan } = await readBody(req, CheckoutBody);
  return { url: await startCheckout(userId, plan, new URL(req.url).origin) };
});
