import * as z from 'zod';
import { api, readBody } from '@/src/auth/api';
import { paymentsConfig } from '@/src/billing/lemonsqueezy';
import { startCheckout } from '@/src/billing/service';

const CheckoutBody = z.object({ plan: z.enum(['pro', 'team'], 'a paid plan: pro or team') });

/** GET /api/billing/checkout: whether payments are configured and which plans can be bought (UpgradeButton asks). */
export const GET = api(async () => {
  const config = paymentsConfig();
  return { configured: config !== undefined, plans: Object.keys(config?.variants ?? {}) };
});

/** POST /api/billing/checkout {plan}: a LemonSqueezy checkout for the signed-in user → { url } (opened as an overlay). */
export const POST = api(async ({ req, userId }) => {
  const { plan } = await readBody(req, CheckoutBody);
  return { url: await startCheckout(userId, plan, new URL(req.url).origin) };
});
