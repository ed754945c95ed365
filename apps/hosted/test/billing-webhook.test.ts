// POST /api/webhooks/lemonsqueezy through its real route handler, on a real Postgres database: bodies
// shaped like LemonSqueezy's and signed as LemonSqueezy signs them (e2e/harness/lemonsqueezy.ts).
// Forged and replayed deliveries are counted with how many changed anything (the table in
// docs/reliability.md, "Billing webhooks (LemonSqueezy)", is printed at the end).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '../app/api/webhooks/lemonsqueezy/route';
import {
  lemonSqueezyHeaders,
  orderRefundedEvent,
  paymentEvent,
  signLemonSqueezy,
  subscriptionEvent,
} from '../e2e/harness/lemonsqueezy';
import { billingOverview } from '../src/billing/service';
import { queue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { hostedTestEnv, planAtReview } from './helpers';

const SECRET = 'whsec_showrunner_test_1';
const PRO = '111';
const TEAM = '222';
let t: Awaited<ReturnType<typeof hostedTestEnv>>;

beforeAll(async () => {
  t = await hostedTestEnv({
    LEMONSQUEEZY_API_KEY: 'ls_test_key',
    LEMONSQUEEZY_STORE_ID: '12345',
    LEMONSQUEEZY_VARIANT_PRO: PRO,
    LEMONSQUEEZY_VARIANT_TEAM: TEAM,
    LEMONSQUEEZY_WEBHOOK_SECRET: SECRET,
  });
});
afterAll(async () => {
  await t?.stop();
  console.log(tallyTable());
});

const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
const NOW = Date.now();
const T = (minutes: number) => iso(NOW - 3 * day + minutes * 60_000);
const R1 = iso(NOW + 20 * day);
const R2 = iso(NOW + 50 * day);

/** Send a body to the real route handler with the given X-Signature (default: signed right). */
async function deliver(body: string, signature: string | null = signLemonSqueezy(body, SECRET)) {
  const name = (JSON.parse(body) as { meta: { event_name: string } }).meta.event_name;
  const headers = lemonSqueezyHeaders(body, SECRET, name);
  if (signature === null) delete headers['x-signature'];
  else headers['x-signature'] = signature;
  const res = await POST(new Request('http://localhost/api/webhooks/lemonsqueezy', { method: 'POST', headers, body }));
  return { status: res.status, body: (await res.json()) as { outcome?: string } };
}

/** Everything a delivery could change: users, subscriptions, recorded deliveries. */
const snapshot = async () =>
  JSON.stringify([
    await t.sql('select id, plan, credits, credits_period from users order by id'),
    await t.sql('select id, user_id, plan, status, renews_at, ends_at, source_updated_at from subscriptions order by id'),
    await t.sql('select source, id, outcome from webhook_events order by id'),
  ]);
const userRow = async (id: string) =>
  (
    await t.sql<{ plan: string; credits: number; credits_period: string | null }>(
      'select plan, credits, credits_period from users where id = $1',
      [id],
    )
  )[0];
const subRow = async (id: string) =>
  (
    await t.sql<{ status: string; plan: string; user_id: string }>(
      'select status, plan, user_id from subscriptions where id = $1',
      [id],
    )
  )[0];

const tally = new Map<string, { tried: number; changed: number }>();
/** Deliver, expect `status`, and count whether the stored state changed (must not, for forged or replayed). */
async function tried(kind: string, body: string, signature: string | null | undefined, status: number) {
  const before = await snapshot();
  const res = signature === undefined ? await deliver(body) : await deliver(body, signature);
  expect(res.status).toBe(status);
  const changed = (await snapshot()) !== before;
  const row = tally.get(kind) ?? { tried: 0, changed: 0 };
  tally.set(kind, { tried: row.tried + 1, changed: row.changed + (changed ? 1 : 0) });
  return res;
}
/** Deliver an event older than the stored state: 200 `stale`, users and subscriptions unchanged (counted). */
async function stale(body: string) {
  const state = async () => JSON.stringify((JSON.parse(await snapshot()) as unknown[]).slice(0, 2));
  const before = await state();
  expect((await deliver(body)).body.outcome).toBe('stale');
  const row = tally.get('out of order: older than the stored state (`updated_at`)') ?? { tried: 0, changed: 0 };
  tally.set('out of order: older than the stored state (`updated_at`)', {
    tried: row.tried + 1,
    changed: row.changed + ((await state()) === before ? 0 : 1),
  });
}
function tallyTable(): string {
  const lines = ['| delivery | tried | changed state |', '| --- | --- | --- |'];
  for (const [kind, { tried: n, changed }] of tally) lines.push(`| ${kind} | ${n} | ${changed} |`);
  return lines.join('\n');
}

const created = (
  id: string,
  userId: string | undefined,
  updatedAt: string,
  extra: Partial<Parameters<typeof subscriptionEvent>[1]> = {},
) =>
  subscriptionEvent('subscription_created', { id, userId, variantId: PRO, status: 'active', updatedAt, renewsAt: R1, ...extra });

describe('signature', () => {
  it('answers 401 and changes nothing for every forged delivery', async () => {
    await service.ensureUser('user_sig');
    // Every kind of forgery against each kind of event the route applies.
    const events = [
      created('1001', 'user_sig', T(0)),
      subscriptionEvent('subscription_expired', {
        id: '1001',
        userId: 'user_sig',
        variantId: PRO,
        status: 'expired',
        updatedAt: T(5),
        renewsAt: R1,
      }),
      paymentEvent('subscription_payment_success', {
        invoiceId: '1',
        subscriptionId: '1001',
        userId: 'user_sig',
        status: 'paid',
        updatedAt: T(6),
      }),
      orderRefundedEvent({ orderId: '1001', userId: 'user_sig', variantId: PRO, refundedAt: T(7) }),
    ];
    for (const body of events) {
      const good = signLemonSqueezy(body, SECRET);
      const flipped = body.replace('"user_sig"', '"user_sih"');
      const forged: [string, string, string | null][] = [
        ['forged: no `X-Signature`', body, null],
        ['forged: empty `X-Signature`', body, ''],
        ['forged: signed with a wrong secret', body, signLemonSqueezy(body, 'not-the-secret')],
        ['forged: one byte of the body changed (signature of the original)', flipped, good],
        ['forged: one extra space after the body', `${body} `, good],
        ['forged: random 64 hex digits', body, 'ab'.repeat(32)],
        ['forged: signature truncated to 63 digits', body, good.slice(0, 63)],
        ['forged: signature with a digit appended', body, `${good}0`],
        ['forged: 62 right hex digits then `zz`', body, `${good.slice(0, 62)}zz`],
        ['forged: the signature of another body', body, signLemonSqueezy(created('1001', 'user_sig', T(1)), SECRET)],
        ['forged: the right digest in base64 instead of hex', body, Buffer.from(good, 'hex').toString('base64')],
      ];
      for (const [kind, b, sig] of forged) {
        const res = await tried(kind, b, sig, 401);
        expect(res.body).toMatchObject({ error: { code: 'SR_UNAUTHORIZED' } });
      }
    }
    const body = events[0]!;
    expect(await t.sql('select * from webhook_events')).toEqual([]);
    expect(await userRow('user_sig')).toMatchObject({ plan: 'free', credits: 3 });
    // The same body, rightly signed, applies.
    expect((await deliver(body)).body.outcome).toBe('applied');
    expect(await userRow('user_sig')).toMatchObject({
      plan: 'pro',
      credits: 30,
      credits_period: `sub:1001:${new Date(R1).toISOString()}`,
    });
  });
});

describe('replays', () => {
  it('a replayed delivery answers 200 duplicate and changes nothing, also ten at once', async () => {
    await service.ensureUser('user_rep');
    const bodies = [
      created('2001', 'user_rep', T(0)),
      paymentEvent('subscription_payment_success', {
        invoiceId: '5001',
        subscriptionId: '2001',
        userId: 'user_rep',
        status: 'paid',
        updatedAt: T(1),
        billingReason: 'initial',
      }),
      subscriptionEvent('subscription_updated', {
        id: '2001',
        userId: 'user_rep',
        variantId: PRO,
        status: 'active',
        updatedAt: T(60),
        renewsAt: R2,
      }),
      subscriptionEvent('subscription_cancelled', {
        id: '2001',
        userId: 'user_rep',
        variantId: PRO,
        status: 'cancelled',
        updatedAt: T(90),
        renewsAt: R2,
        endsAt: R2,
      }),
    ];
    for (const body of bodies) {
      expect((await deliver(body)).status).toBe(200);
      await t.sql('update users set credits = 7 where id = $1', ['user_rep']); // some used
      for (let i = 0; i < 3; i++)
        expect(
          (
            await tried(
              'replayed: the same body again (created, payment success, updated, cancelled; 3 each)',
              body,
              undefined,
              200,
            )
          ).body.outcome,
        ).toBe('duplicate');
    }
    const before = await snapshot();
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(bodies[2]!).then((r) => r.body.outcome)));
    expect(results.every((o) => o === 'duplicate')).toBe(true);
    const after = await snapshot();
    tally.set('replayed: ten copies at once', { tried: 10, changed: after === before ? 0 : 1 });
    expect(after).toBe(before);
    // The period R2 was granted once, the cancellation kept the plan until R2.
    expect(await userRow('user_rep')).toMatchObject({
      plan: 'pro',
      credits: 7,
      credits_period: `sub:2001:${new Date(R2).toISOString()}`,
    });
    expect(await subRow('2001')).toMatchObject({ status: 'cancelled' });
  });

  it('ten different first deliveries of the same new subscription at once: one state, granted once', async () => {
    await service.ensureUser('user_race');
    const bodies = Array.from({ length: 10 }, (_, i) =>
      subscriptionEvent(i % 2 ? 'subscription_updated' : 'subscription_created', {
        id: '2101',
        userId: 'user_race',
        variantId: PRO,
        status: 'active',
        updatedAt: T(i),
        renewsAt: R1,
      }),
    );
    const outcomes = await Promise.all(bodies.map((b) => deliver(b).then((r) => r.body.outcome)));
    expect(outcomes.filter((o) => o === 'applied').length).toBeGreaterThanOrEqual(1);
    expect(await t.sql('select source_updated_at from subscriptions where id = $1', ['2101'])).toEqual([
      { source_updated_at: new Date(T(9)) },
    ]);
    expect(await userRow('user_race')).toMatchObject({ plan: 'pro', credits: 30 });
  });
});

describe('out of order', () => {
  it('updated(expired) before created: the user ends free, the older events are stale', async () => {
    await service.ensureUser('user_ooo');
    const fresh = await userRow('user_ooo');
    const expired = subscriptionEvent('subscription_updated', {
      id: '3001',
      userId: 'user_ooo',
      variantId: PRO,
      status: 'expired',
      updatedAt: T(120),
      renewsAt: R1,
      endsAt: T(120),
    });
    expect((await deliver(expired)).body.outcome).toBe('applied');
    await stale(created('3001', 'user_ooo', T(0)));
    const cancelled = subscriptionEvent('subscription_cancelled', {
      id: '3001',
      userId: 'user_ooo',
      variantId: PRO,
      status: 'cancelled',
      updatedAt: T(60),
      renewsAt: R1,
      endsAt: R1,
    });
    await stale(cancelled);
    expect(await userRow('user_ooo')).toEqual({ ...fresh, plan: 'free', credits: 3 });
    expect(await subRow('3001')).toMatchObject({ status: 'expired' });
  });

  it('payment_success twice and before/after the renewal: each period granted once', async () => {
    await service.ensureUser('user_pay');
    const pay = (invoiceId: string, name: string, at: string, reason = 'renewal') =>
      paymentEvent(name, {
        invoiceId,
        subscriptionId: '3101',
        userId: 'user_pay',
        status: 'paid',
        updatedAt: at,
        billingReason: reason,
      });
    // The initial payment before its subscription_created: nothing known yet, created grants.
    expect((await deliver(pay('6001', 'subscription_payment_success', T(0), 'initial'))).body.outcome).toBe('ignored');
    expect((await deliver(created('3101', 'user_pay', T(1)))).body.outcome).toBe('applied');
    await t.sql('update users set credits = 4 where id = $1', ['user_pay']);
    expect((await deliver(pay('6001', 'subscription_payment_success', T(2), 'initial'))).body.outcome).toBe('unchanged');
    expect((await deliver(pay('6001', 'subscription_payment_recovered', T(3), 'initial'))).body.outcome).toBe('unchanged');
    expect(await userRow('user_pay')).toMatchObject({ plan: 'pro', credits: 4 });
    // The renewal: the new period arrives with subscription_updated; its payment events after it are no-ops.
    const renewed = subscriptionEvent('subscription_updated', {
      id: '3101',
      userId: 'user_pay',
      variantId: PRO,
      status: 'active',
      updatedAt: T(600),
      renewsAt: R2,
    });
    expect((await deliver(renewed)).body.outcome).toBe('applied');
    expect(await userRow('user_pay')).toMatchObject({ credits: 30, credits_period: `sub:3101:${new Date(R2).toISOString()}` });
    await t.sql('update users set credits = 9 where id = $1', ['user_pay']);
    await stale(pay('6002', 'subscription_payment_success', T(599)));
    expect((await deliver(pay('6002', 'subscription_payment_success', T(601)))).body.outcome).toBe('unchanged');
    expect(await userRow('user_pay')).toMatchObject({ plan: 'pro', credits: 9 });
  });

  it('payment_failed shows past_due; recovered makes it active again; a failure older than the state is stale', async () => {
    await service.ensureUser('user_due');
    expect((await deliver(created('3201', 'user_due', T(0)))).body.outcome).toBe('applied');
    const invoice = (name: string, at: string, status: string) =>
      paymentEvent(name, { invoiceId: '6101', subscriptionId: '3201', status, updatedAt: at });
    await stale(invoice('subscription_payment_failed', T(-5), 'pending'));
    expect((await deliver(invoice('subscription_payment_failed', T(10), 'pending'))).body.outcome).toBe('applied');
    expect(await billingOverview('user_due')).toMatchObject({ status: 'past_due', plan: { id: 'pro' } });
    expect((await deliver(invoice('subscription_payment_recovered', T(20), 'paid'))).body.outcome).toBe('applied');
    expect(await billingOverview('user_due')).toMatchObject({ status: 'active', plan: { id: 'pro' }, credits: 30 });
  });
});

describe('effects', () => {
  it('cancelled keeps the plan until ends_at; expired downgrades to free (credits capped)', async () => {
    await service.ensureUser('user_can');
    await deliver(created('4001', 'user_can', T(0)));
    await t.sql('update users set credits = 12 where id = $1', ['user_can']);
    await deliver(
      subscriptionEvent('subscription_cancelled', {
        id: '4001',
        userId: 'user_can',
        variantId: PRO,
        status: 'cancelled',
        updatedAt: T(5),
        renewsAt: R1,
        endsAt: R1,
      }),
    );
    expect(await userRow('user_can')).toMatchObject({ plan: 'pro', credits: 12 });
    const overview = await billingOverview('user_can');
    expect(overview).toMatchObject({ status: 'cancelled', endsAt: new Date(R1), used: 18, allowance: 30 });
    await deliver(
      subscriptionEvent('subscription_expired', {
        id: '4001',
        userId: 'user_can',
        variantId: PRO,
        status: 'expired',
        updatedAt: T(9),
        renewsAt: R1,
        endsAt: T(9),
      }),
    );
    expect(await userRow('user_can')).toMatchObject({ plan: 'free', credits: 3 });
  });

  it('paused → free, unpaused → the plan again without a second allowance; the user found by subscription id', async () => {
    await service.ensureUser('user_pause');
    await deliver(created('4101', 'user_pause', T(0), { variantId: TEAM }));
    await t.sql('update users set credits = 150 where id = $1', ['user_pause']);
    const ev = (name: string, status: string, at: string) =>
      subscriptionEvent(name, { id: '4101', variantId: TEAM, status, updatedAt: at, renewsAt: R1 }); // no custom_data
    expect((await deliver(ev('subscription_paused', 'paused', T(5)))).body.outcome).toBe('applied');
    expect(await userRow('user_pause')).toMatchObject({ plan: 'free', credits: 3 });
    expect((await deliver(ev('subscription_unpaused', 'active', T(6)))).body.outcome).toBe('applied');
    expect(await userRow('user_pause')).toMatchObject({ plan: 'team', credits: 3 });
    expect((await deliver(ev('subscription_resumed', 'active', T(7)))).body.outcome).toBe('applied');
    expect(await userRow('user_pause')).toMatchObject({ plan: 'team', credits: 3 });
  });

  it('order_refunded → free, and an older subscription event delivered after it is stale', async () => {
    await service.ensureUser('user_ref');
    await deliver(created('4201', 'user_ref', T(0), { customerId: '955' }));
    const refund = orderRefundedEvent({ orderId: '4201', variantId: PRO, customerId: '955', refundedAt: T(30) }); // found by customer
    expect((await deliver(refund)).body.outcome).toBe('applied');
    expect(await userRow('user_ref')).toMatchObject({ plan: 'free' });
    const late = subscriptionEvent('subscription_updated', {
      id: '4201',
      userId: 'user_ref',
      variantId: PRO,
      status: 'active',
      updatedAt: T(20),
      renewsAt: R1,
    });
    await stale(late);
    const partial = orderRefundedEvent({
      orderId: '4202',
      userId: 'user_ref',
      variantId: PRO,
      refundedAt: T(40),
      status: 'partial_refund',
    });
    expect((await deliver(partial)).body.outcome).toBe('ignored');
    expect(await userRow('user_ref')).toMatchObject({ plan: 'free' });
  });

  it('unknown event type, unknown user, unknown variant, not JSON:API → 200 ignored, recorded, nothing else', async () => {
    const before = await t.sql('select * from users order by id');
    const countIgnored = async () =>
      (
        await t.sql<{ n: number }>(
          "select count(*)::int as n from webhook_events where outcome = 'ignored' and source = 'lemonsqueezy'",
        )
      )[0]!.n;
    const ignoredBefore = await countIgnored();
    const ignored = [
      JSON.stringify({ meta: { event_name: 'affiliate_activated' }, data: { type: 'affiliates', id: '1', attributes: {} } }),
      JSON.stringify({
        meta: { event_name: 'order_created', custom_data: { user_id: 'user_sig' } },
        data: { type: 'orders', id: '2', attributes: {} },
      }),
      created('4301', 'user_nobody', T(0)),
      created('4302', 'user_sig', T(0), { variantId: '999' }),
      'not json',
    ];
    for (const body of ignored) {
      const res = await POST(
        new Request('http://localhost/api/webhooks/lemonsqueezy', {
          method: 'POST',
          headers: { 'x-signature': signLemonSqueezy(body, SECRET) },
          body,
        }),
      );
      expect(res.status).toBe(200);
      expect(((await res.json()) as { outcome: string }).outcome).toBe('ignored');
    }
    expect(await t.sql('select * from users order by id')).toEqual(before);
    expect((await countIgnored()) - ignoredBefore).toBe(ignored.length);
    expect(await t.sql("select id from subscriptions where id in ('4301', '4302')")).toEqual([]);
  });

  it('a demo waiting for payment continues when subscription_created arrives', async () => {
    await service.ensureUser('user_wait');
    await t.sql('update users set credits = 0 where id = $1', ['user_wait']);
    const demo = await service.createDemo('user_wait', {
      url: 'https://app.example.com/',
      description: 'Title: Wait\nclick "Go"',
    });
    await planAtReview(demo.runId);
    expect((await service.confirm('user_wait', demo.id)).status).toBe('awaiting_payment');
    expect((await deliver(created('4401', 'user_wait', T(0)))).body.outcome).toBe('applied');
    expect((await service.getDemo('user_wait', demo.id)).status).toBe('approved');
    expect((await queue().read(demo.runId)).state.status).toBe('approved');
    expect(await userRow('user_wait')).toMatchObject({ plan: 'pro', credits: 29 });
  });
});
