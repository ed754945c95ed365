// Credits and awaiting_payment against a real Postgres and Redis (no workers: submitted runs wait in
// the queue): a demo made without a credit waits and is submitted when a grant arrives, a run that
// ends before its recording gives its credit back exactly once, plan grants apply once per period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantPlan, setPlan } from '../src/billing/credits';
import { refundRun } from '../src/db/charges';
import { db } from '../src/db/client';
import { continueAwaitingDemos } from '../src/pipeline/payment-service';
import { queue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { statusHook } from '../src/pipeline/status-hook';
import { hostedTestEnv } from './helpers';

let t: Awaited<ReturnType<typeof hostedTestEnv>>;
beforeAll(async () => {
  t = await hostedTestEnv();
});
afterAll(async () => {
  await t?.stop();
});

const NEW = { url: 'https://app.example.com/', description: 'Title: Invite a teammate\ngo to /team' };
const creditsOf = async (user: string) => (await t.sql('select credits from users where id = $1', [user]))[0]?.credits;
const runOf = async (id: string) => (await t.sql('select status, charged from runs where id = $1', [id]))[0];
const queued = async (runId: string) => (await queue().redis.exists(queue().keys.meta(runId))) === 1;

describe('awaiting_payment', () => {
  it('waits without a credit, not queued; a grant submits the waiting demos oldest first, once', async () => {
    const user = 'user_waits';
    await service.ensureUser(user);
    await t.sql('update users set credits = 0 where id = $1', [user]);
    const first = await service.createDemo(user, NEW);
    const second = await service.createDemo(user, NEW);
    expect([first.status, second.status]).toEqual(['awaiting_payment', 'awaiting_payment']);
    expect(await queued(first.runId)).toBe(false);
    expect(await continueAwaitingDemos(user)).toBe(0); // no credit yet: nothing moves

    // One credit: only the oldest goes, with a status event the page sees.
    await t.sql('update users set credits = 1 where id = $1', [user]);
    expect(await continueAwaitingDemos(user)).toBe(1);
    expect(await runOf(first.id)).toEqual({ status: 'created', charged: true });
    expect(await runOf(second.id)).toEqual({ status: 'awaiting_payment', charged: false });
    expect(await queued(first.runId)).toBe(true);
    const events = await t.sql(
      "select data->>'status' as s from demo_events where demo_id = $1 and type = 'status' order by id",
      [first.id],
    );
    expect(events.map((e) => e.s)).toEqual(['awaiting_payment', 'created']);

    // A plan grant (as the billing webhook does it), then two concurrent continues: the second demo goes once.
    await db().transaction((tx) => grantPlan(tx, user, 'pro', 'sub:1:2027-01-01'));
    const counts = await Promise.all([continueAwaitingDemos(user), continueAwaitingDemos(user)]);
    expect(counts.sort()).toEqual([0, 1]);
    expect(await runOf(second.id)).toEqual({ status: 'created', charged: true });
    expect(await creditsOf(user)).toBe(29);
  });

  it('cancels a waiting demo without touching the queue or the credits', async () => {
    const user = 'user_cancels_waiting';
    await service.ensureUser(user);
    await t.sql('update users set credits = 0 where id = $1', [user]);
    const demo = await service.createDemo(user, NEW);
    expect((await service.cancelDemo(user, demo.id)).status).toBe('cancelled');
    expect(await creditsOf(user)).toBe(0);
    await t.sql('update users set credits = 1 where id = $1', [user]);
    expect(await continueAwaitingDemos(user)).toBe(0);
    expect(await runOf(demo.id)).toEqual({ status: 'cancelled', charged: false });
  });
});

describe('refunds', () => {
  it('gives the credit back once when a run is cancelled after approval but before recording, never again', async () => {
    const user = 'user_refund_cancel';
    await service.ensureUser(user);
    const demo = await service.createDemo(user, NEW);
    expect(await creditsOf(user)).toBe(2);
    await t.sql("update runs set status = 'approved', step_count = 2 where id = $1", [demo.id]);
    await service.cancelDemo(user, demo.id);
    expect(await creditsOf(user)).toBe(3);
    expect(await db().transaction((tx) => refundRun(tx, demo.runId))).toBe(false);
    expect(await creditsOf(user)).toBe(3);
  });

  it("the worker's status hook refunds a run that failed in parse, not one that failed after recording began", async () => {
    const user = 'user_refund_hook';
    await service.ensureUser(user);
    const parseFails = await service.createDemo(user, NEW);
    const mergeFails = await service.createDemo(user, NEW);
    expect(await creditsOf(user)).toBe(1);
    // Approved (step_count set at confirm) and then recorded: the record stage's status event.
    await t.sql("update runs set status = 'running', stage = 'merge', step_count = 3 where id = $1", [mergeFails.id]);
    await t.sql(
      `insert into demo_events (demo_id, type, data) values ($1, 'status', '{"status":"running","stage":"record","stageStatus":"running"}')`,
      [mergeFails.id],
    );
    const spec = statusHook({ read: (runId) => queue().read(runId) }).hooks!.onStatusChange!;
    const hook = (event: unknown) => (typeof spec === 'function' ? spec : spec.handler)(event as never, {} as never);
    const error = { code: 'SR_PARSE_FAILED', message: 'The plan could not be made.' };
    await hook({ runId: parseFails.runId, stage: 'parse', status: 'failed', error });
    await hook({ runId: parseFails.runId, stage: 'parse', status: 'failed', error }); // a repeat changes nothing
    await hook({ runId: mergeFails.runId, stage: 'merge', status: 'failed', error });
    expect(await runOf(parseFails.id)).toEqual({ status: 'failed', charged: false });
    expect(await runOf(mergeFails.id)).toEqual({ status: 'failed', charged: true });
    expect(await creditsOf(user)).toBe(2);
  });
});

describe('grantPlan and setPlan', () => {
  it('grants once per period key, resets credits (no roll-over), recomputes expiry; setPlan caps credits', async () => {
    const user = 'user_plans';
    await service.ensureUser(user);
    const demo = await service.createDemo(user, NEW);
    await t.sql("update runs set status = 'done', finished_at = '2026-11-01T00:00:00Z' where id = $1", [demo.id]);
    expect(await db().transaction((tx) => grantPlan(tx, user, 'pro', 'sub:9:2026-12-31'))).toBe(true);
    expect(await db().transaction((tx) => grantPlan(tx, user, 'pro', 'sub:9:2026-12-31'))).toBe(false);
    const expiry = async () => (await t.sql('select expires_at from demos where id = $1', [demo.id]))[0]?.expires_at;
    expect(await creditsOf(user)).toBe(30);
    expect((await expiry())?.toISOString()).toBe('2027-01-30T00:00:00.000Z'); // 90 days
    await db().transaction((tx) => grantPlan(tx, user, 'team', 'sub:9:2027-01-31'));
    expect(await expiry()).toBeNull(); // team keeps videos
    await db().transaction((tx) => setPlan(tx, user, 'free'));
    expect(await creditsOf(user)).toBe(3);
    expect((await expiry())?.toISOString()).toBe('2026-11-08T00:00:00.000Z'); // 7 days
    // A tombstoned user is never granted anything.
    await t.sql('update users set deleted_at = now() where id = $1', [user]);
    expect(await db().transaction((tx) => grantPlan(tx, user, 'pro', 'sub:9:2027-02-28'))).toBe(false);
  });
});
