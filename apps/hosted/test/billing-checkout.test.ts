// Checkout and the billing page's data through the real LemonSqueezy SDK, its requests sent to a local
// server speaking LemonSqueezy's JSON:API (test/lemonsqueezy-api.ts): what the SDK sent (headers, the
// JSON:API body, the user id in the custom data), the URL that comes back, the portal link fetched
// when no webhook stored one, and "not configured" without the settings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLemonSqueezy, subscriptionEvent } from '../e2e/harness/lemonsqueezy';
import { lemonSqueezyApi } from '../e2e/harness/lemonsqueezy-api';
import { billingOverview, startCheckout } from '../src/billing/service';
import { handleDelivery } from '../src/billing/webhook';
import { resetEnv } from '../src/env';
import * as service from '../src/pipeline/service';
import { hostedTestEnv } from './helpers';

const KEY = 'ls_test_api_key_1';
const SECRET = 'whsec_checkout_test';
const SETTINGS: Record<string, string> = {
  LEMONSQUEEZY_API_KEY: KEY,
  LEMONSQUEEZY_STORE_ID: '12345',
  LEMONSQUEEZY_VARIANT_PRO: '111',
  LEMONSQUEEZY_VARIANT_TEAM: '222',
  LEMONSQUEEZY_WEBHOOK_SECRET: SECRET,
};
let t: Awaited<ReturnType<typeof hostedTestEnv>>;
let api: Awaited<ReturnType<typeof lemonSqueezyApi>>;

beforeAll(async () => {
  api = await lemonSqueezyApi(KEY, { '7001': { customerPortal: 'https://showrunner.lemonsqueezy.com/billing?fresh=1' } });
  // The SDK goes to api.lemonsqueezy.com; LEMONSQUEEZY_API_URL sends it to the local server instead.
  Object.assign(SETTINGS, { LEMONSQUEEZY_API_URL: api.origin });
  t = await hostedTestEnv(SETTINGS);
});
afterAll(async () => {
  await api?.close();
  await t?.stop();
});

const withSettings = (values: Record<string, string | undefined>) => {
  Object.assign(process.env, values);
  for (const [k, v] of Object.entries(values)) if (v === undefined) delete process.env[k];
  resetEnv();
};

describe('checkout', () => {
  it('createCheckout sends the store, the plan variant, the user id (snake-cased custom data), embed and the return URL', async () => {
    await service.ensureUser('user_buyer', { email: 'buyer@example.com' });
    const url = await startCheckout('user_buyer', 'pro', 'http://localhost:3000');
    expect(url).toMatch(/^https:\/\/showrunner\.lemonsqueezy\.com\/checkout\/custom\/[0-9a-f-]{36}\?signature=fixture$/);
    const req = api.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/checkouts');
    expect(req.headers).toMatchObject({
      authorization: `Bearer ${KEY}`,
      accept: 'application/vnd.api+json',
      'content-type': 'application/vnd.api+json',
    });
    expect(req.body).toEqual({
      data: {
        type: 'checkouts',
        attributes: {
          product_options: { redirect_url: 'http://localhost:3000/billing?paid=1' },
          checkout_options: { embed: true },
          checkout_data: { email: 'buyer@example.com', custom: { user_id: 'user_buyer' } },
        },
        relationships: { store: { data: { type: 'stores', id: '12345' } }, variant: { data: { type: 'variants', id: '111' } } },
      },
    });
  });

  it('the team plan uses its own variant', async () => {
    await startCheckout('user_buyer', 'team', 'https://app.example.com');
    const body = api.requests.at(-1)!.body as { data: { relationships: { variant: { data: { id: string } } } } };
    expect(body.data.relationships.variant.data.id).toBe('222');
  });

  it('LemonSqueezy refusing (wrong API key) is SR_UNAVAILABLE, no URL', async () => {
    withSettings({ LEMONSQUEEZY_API_KEY: 'ls_wrong_key' });
    await expect(startCheckout('user_buyer', 'pro', 'http://localhost:3000')).rejects.toMatchObject({ code: 'SR_UNAVAILABLE' });
    expect(api.requests.at(-1)!.headers.authorization).toBe('Bearer ls_wrong_key');
    withSettings(SETTINGS);
  });

  it('without the settings payments are not configured: no request, SR_UNAVAILABLE, the page says so', async () => {
    const before = api.requests.length;
    withSettings({ LEMONSQUEEZY_API_KEY: undefined });
    await expect(startCheckout('user_buyer', 'pro', 'http://localhost:3000')).rejects.toMatchObject({ code: 'SR_UNAVAILABLE' });
    expect(await billingOverview('user_buyer')).toMatchObject({ paymentsConfigured: false, upgrades: [], plan: { id: 'free' } });
    expect(api.requests.length).toBe(before);
    withSettings(SETTINGS);
  });
});

describe('billing overview', () => {
  it('free: usage of the month and both paid plans to upgrade to', async () => {
    await service.ensureUser('user_free');
    await t.sql('update users set credits = 1 where id = $1', ['user_free']);
    const now = new Date('2026-12-02T12:00:00Z');
    const o = await billingOverview('user_free', now);
    expect(o).toMatchObject({ status: 'free', allowance: 3, credits: 1, used: 2, paymentsConfigured: true });
    expect(o.renewsAt).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(o.upgrades.map((p) => p.id)).toEqual(['pro', 'team']);
  });

  it('a subscription without a stored portal link: fetched with getSubscription once, then kept', async () => {
    await service.ensureUser('user_sub');
    const body = subscriptionEvent('subscription_created', {
      id: '7001',
      userId: 'user_sub',
      variantId: '111',
      status: 'active',
      updatedAt: new Date().toISOString(),
      renewsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
    });
    expect((await handleDelivery(Buffer.from(body), signLemonSqueezy(body, SECRET), SECRET)).outcome).toBe('applied');
    await t.sql('update subscriptions set portal_url = null where id = $1', ['7001']);
    const before = api.requests.length;
    const o = await billingOverview('user_sub');
    expect(o).toMatchObject({
      status: 'active',
      plan: { id: 'pro' },
      portalUrl: 'https://showrunner.lemonsqueezy.com/billing?fresh=1',
    });
    expect(o.upgrades.map((p) => p.id)).toEqual(['team']);
    expect(api.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/subscriptions/7001']);
    await billingOverview('user_sub');
    expect(api.requests.length).toBe(before + 1);
  });

  it('a subscription LemonSqueezy does not know (404): no portal link, the page still renders', async () => {
    await service.ensureUser('user_gone');
    await t.sql(
      `insert into subscriptions (id, user_id, plan, variant_id, status, source_updated_at) values ('7999', 'user_gone', 'pro', '111', 'active', now())`,
    );
    await t.sql("update users set plan = 'pro' where id = $1", ['user_gone']);
    const o = await billingOverview('user_gone');
    expect(o.portalUrl).toBeUndefined();
    expect(api.requests.at(-1)!.path).toBe('/v1/subscriptions/7999');
  });
});
