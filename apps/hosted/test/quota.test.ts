// Credits and awaiting_payment against a real Postgres and Redis (no workers: submitted runs wait in
// the queue; planAtReview plans one in this process): a demo made without a credit is planned and
// reviewed, waits for payment at confirm and is approved in the queue when a grant arrives; a run that
// ends before its recording gives its credit back exactly once, plan grants apply once per period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantPlan, setPlan } from '../src/billing/credits';
import { refundRun } from '../src/db/charges';
import { db } from '../src/db/client';
import { continueAwaitingDemos } from '../src/pipeline/payment-service';
import { queue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { statusHook } from '../src/pipeline/status-hook';
import { hostedTestEnv, planAtReview } from './helpers';

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
  const statuses = async (id: string) =>
    (await t.sql("select data->>'status' as s from demo_events where demo_id = $1 and type = 'status' order by id", [id])).map(
      (e) => e.s,
    );
  /** A demo created with no credit left, planned and at review in the queue and the database. */
  const atReview = async (user: string) => {
    const demo = await service.createDemo(user, NEW);
    expect(demo).toMatchObject({ status: 'created', needsPayment: true });
    expect(await runOf(demo.id)).toEqual({ status: 'created', charged: false });
    expect(await queued(demo.runId)).toBe(true);
    await planAtReview(demo.runId);
    const view = await service.getDemo(user, demo.id);
    expect(view).toMatchObject({ status: 'awaiting_review', needsPayment: true });
    expect(view.steps.length).toBeGreaterThan(0);
    return view;
  };

  it('plans and reviews without a credit; confirm waits for payment, and a grant approves the waiting demos oldest first, once', async () => {
    const user = 'user_waits';
    await service.ensureUser(user);
    await t.sql('update users set credits = 0 where id = $1', [user]);
    const first = await atReview(user);
    const second = await atReview(user);
    for (const demo of [first, second]) {
      const view = await service.confirm(user, demo.id);
      expect(view).toMatchObject({ status: 'awaiting_payment', needsPayment: true, stepCount: demo.steps.length });
      expect(view.steps).toEqual(demo.steps); // the confirmed cards stay
      expect((await queue().read(demo.runId)).state.status).toBe('awaiting_review'); // nothing approved in the queue
    }
    expect(await continueAwaitingDemos(user)).toBe(0); // no credit yet: nothing moves
    expect((await queue().read(first.runId)).state.status).toBe('awaiting_review');

    // One credit: only the oldest is approved, in the database (a status event the page sees) and in the queue.
    await t.sql('update users set credits = 1 where id = $1', [user]);
    expect(await continueAwaitingDemos(user)).toBe(1);
    expect(await runOf(first.id)).toEqual({ status: 'approved', charged: true });
    expect(await runOf(second.id)).toEqual({ status: 'awaiting_payment', charged: false });
    expect((await queue().read(first.runId)).state.status).toBe('approved');
    expect((await queue().read(second.runId)).state.status).toBe('awaiting_review');
    expect(await statuses(first.id)).toEqual(['created', 'awaiting_review', 'awaiting_payment', 'approved']);
    expect((await service.getDemo(user, first.id)).needsPayment).toBe(false);

    // A plan grant (as the billing webhook does it), then two concurrent continues: the second demo goes once.
    await db().transaction((tx) => grantPlan(tx, user, 'pro', 'sub:1:2027-01-01'));
    const counts = await Promise.all([continueAwaitingDemos(user), continueAwaitingDemos(user)]);
    expect(counts.sort()).toEqual([0, 1]);
    expect(await runOf(second.id)).toEqual({ status: 'approved', charged: true });
    expect((await queue().read(second.runId)).state.status).toBe('approved');
    expect((await statuses(second.id)).filter((s) => s === 'approved')).toHaveLength(1);
    expect(await creditsOf(user)).toBe(29);
    expect(await continueAwaitingDemos(user)).toBe(0);
  });

  it("a repeated report of the plan neither puts the planner's cards back nor moves a waiting demo back to review", async () => {
    const user = 'user_edits_then_waits';
    await service.ensureUser(user);
    await t.sql('update users set credits = 0 where id = $1', [user]);
    const demo = await atReview(user);
    const edited = demo.steps.map((step, i) => (i === 0 ? { ...step, narration: 'My own words.' } : step));
    await service.saveSteps(user, demo.id, edited);
    const spec = statusHook().hooks!.onStatusChange!;
    const report = () =>
      (typeof spec === 'function' ? spec : spec.handler)({ runId: demo.runId, status: 'awaiting_review' } as never, {} as never);
    await report(); // the same plan reported again while the person edits
    expect((await service.getDemo(user, demo.id)).steps[0]!.narration).toBe('My own words.');
    await service.confirm(user, demo.id);
    await report(); // and again while it waits for payment
    const view = await service.getDemo(user, demo.id);
    expect(view.status).toBe('awaiting_payment');
    expect(view.steps[0]!.narration).toBe('My own words.');
  });

  it('takes the credit at confirm when one came meanwhile', async () => {
    const user = 'user_pays_at_confirm';
    await service.ensureUser(user);
    await t.sql('update users set credits = 0 where id = $1', [user]);
    const demo = await atReview(user);
    await t.sql('update users set credits = 1 where id = $1', [user]);
    expect(await service.confirm(user, demo.id)).toMatchObject({ status: 'approved', needsPayment: false });
    expect(await runOf(demo.id)).toEqual({ status: 'approved', charged: true });
    expect(await creditsOf(user)).toBe(0);
    expect((await queue().read(demo.runId)).state.status).toBe('approved');
  });

  it('cancels a waiting demo in the queue too, without touching the credits', async () => {
    const user = 'user_cancels_waiting';
    await service.ensureUser(user);
    await t.sql('update users set credits = 0 where id = $1', [user]);
    const demo = await atReview(user);
    expect((await service.confirm(user, demo.id)).status).toBe('awaiting_payment');
    expect((await service.cancelDemo(user, demo.id)).status).toBe('cancelled');
    expect((await queue().read(demo.runId)).state.status).toBe('cancelled');
    expect(await creditsOf(user)).toBe(0);
    await t.sql('update users set credits = 1 where id = $1', [user]);
    expect(await continueAwaitingDemos(user)).toBe(0);
    expect(await runOf(demo.id)).toEqual({ status: 'cancelled', charged: false });
    expect(await creditsOf(user)).toBe(1);
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
