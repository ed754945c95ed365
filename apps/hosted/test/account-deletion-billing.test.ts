// A deleted account is never charged again: Clerk's `user.deleted` (through the real route, signed the
// svix way) cancels the user's LemonSqueezy subscriptions through the real SDK, its requests sent to a
// local server speaking LemonSqueezy's JSON:API; a cancellation refused the first time is tried again
// by the replayed delivery, and nothing is asked of LemonSqueezy for subscriptions that cannot charge.
import { randomBytes, randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/webhooks/clerk/route';
import { lemonSqueezyApi } from '../e2e/harness/lemonsqueezy-api';
import * as service from '../src/pipeline/service';
import { hostedTestEnv } from './helpers';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const KEY = 'ls_test_api_key_deletion';
let t: Awaited<ReturnType<typeof hostedTestEnv>>;
let api: Awaited<ReturnType<typeof lemonSqueezyApi>>;

beforeAll(async () => {
  api = await lemonSqueezyApi(KEY, { '9001': { customerPortal: 'https://example.invalid/portal' } });
  t = await hostedTestEnv({
    CLERK_WEBHOOK_SECRET: SECRET,
    LEMONSQUEEZY_API_KEY: KEY,
    LEMONSQUEEZY_STORE_ID: '12345',
    LEMONSQUEEZY_VARIANT_PRO: '111',
    LEMONSQUEEZY_WEBHOOK_SECRET: 'whsec_ls_deletion',
    LEMONSQUEEZY_API_URL: api.origin,
  });
});
afterAll(async () => {
  await api?.close();
  await t?.stop();
});

/** `user.deleted` as Clerk sends it (the same svix id when replayed). */
async function deleted(userId: string, id = `msg_${randomUUID().replaceAll('-', '')}`) {
  const at = new Date();
  const body = JSON.stringify({ type: 'user.deleted', object: 'event', data: { id: userId, object: 'user', deleted: true } });
  const headers = {
    'content-type': 'application/json',
    'svix-id': id,
    'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
    'svix-signature': new Webhook(SECRET).sign(id, at, body),
  };
  const res = await POST(new NextRequest('http://localhost/api/webhooks/clerk', { method: 'POST', headers, body }));
  return { id, status: res.status };
}

async function subscribe(userId: string, id: string, status: string) {
  await t.sql(
    `insert into subscriptions (id, user_id, plan, variant_id, status, source_updated_at) values ($1, $2, 'pro', '111', $3, now())`,
    [id, userId, status],
  );
}
const statusOf = async (id: string) => (await t.sql('select status from subscriptions where id = $1', [id]))[0]?.status;
const cancels = () => api.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);

describe('a deleted account', () => {
  it('cancels its subscriptions that can still charge, and only those', async () => {
    await service.ensureUser('user_leaving');
    await subscribe('user_leaving', '9001', 'active');
    await subscribe('user_leaving', '9002', 'expired');
    expect((await deleted('user_leaving')).status).toBe(200);
    expect(cancels()).toEqual(['/v1/subscriptions/9001']);
    expect(api.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(await statusOf('9001')).toBe('cancelled');
    expect(await statusOf('9002')).toBe('expired');
  });

  it('tries a refused cancellation again when Clerk replays the delivery', async () => {
    await service.ensureUser('user_unlucky');
    await subscribe('user_unlucky', '9003', 'past_due'); // the fixture does not know 9003 yet: 404
    const first = await deleted('user_unlucky');
    expect(cancels().at(-1)).toBe('/v1/subscriptions/9003');
    expect(await statusOf('9003')).toBe('past_due');
    api.subscriptions['9003'] = { customerPortal: 'https://example.invalid/portal' };
    expect((await deleted('user_unlucky', first.id)).status).toBe(200); // the replay: same svix id
    expect(cancels().filter((p) => p === '/v1/subscriptions/9003')).toHaveLength(2);
    expect(await statusOf('9003')).toBe('cancelled');
    await deleted('user_unlucky', first.id);
    expect(cancels().filter((p) => p === '/v1/subscriptions/9003')).toHaveLength(2); // nothing left to cancel
  });
});
