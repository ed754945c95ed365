// Retention with a clock the test controls (sweep(now)): an expired free video's files go, its rows and
// share link stay and the share page says it expired; paid users' videos are untouched; free users get
// their month once; and the housekeeping worker's repeatable job really runs the sweep.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setExpiryOnDone } from '../src/billing/credits';
import { SWEEP_SCHEDULER, startHousekeeping } from '../src/billing/housekeeping';
import { sweep } from '../src/billing/retention';
import { db } from '../src/db/client';
import { queue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { eventually, hostedTestEnv, planAtReview } from './helpers';

let t: Awaited<ReturnType<typeof hostedTestEnv>>;
beforeAll(async () => {
  t = await hostedTestEnv();
});
afterAll(async () => {
  await t?.stop();
});

const NEW = { url: 'https://app.example.com/', description: 'Title: Tour\ngo to /' };
const FINISHED = new Date('2026-11-02T10:00:00Z');
const day = 24 * 3600 * 1000;

/** A user on `plan` with one finished demo: a local video in its run's folder, a run folder, a share link. */
async function finishedDemo(user: string, plan: string) {
  await service.ensureUser(user);
  await t.sql('update users set plan = $2 where id = $1', [user, plan]);
  const demo = await service.createDemo(user, NEW);
  const folder = path.join(t.dataDir, 'videos', 'demo', demo.runId);
  await mkdir(folder, { recursive: true });
  const video = path.join(folder, 'demo.mp4');
  await writeFile(video, 'video bytes');
  const runFolder = path.join(t.dataDir, 'runs', demo.runId);
  await mkdir(runFolder, { recursive: true });
  const url = pathToFileURL(video).href;
  const result = { url, files: [{ role: 'video', path: 'demo.mp4', url, contentType: 'video/mp4' }], durationMs: 1000 };
  await t.sql("update runs set status = 'done', result = $2, duration_ms = 1000, finished_at = $3 where id = $1", [
    demo.id,
    JSON.stringify(result),
    FINISHED,
  ]);
  await db().transaction((tx) => setExpiryOnDone(tx, demo.runId)); // what the status hook does on done
  const share = await service.createShare(user, demo.id);
  return { demo, video, runFolder, token: share.token };
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('the retention sweep', () => {
  it("removes an expired free video's files, keeps its rows and link (which says expired); paid videos untouched", async () => {
    const free = await finishedDemo('user_free', 'free');
    const pro = await finishedDemo('user_pro', 'pro');
    const team = await finishedDemo('user_team', 'team');
    const expiry = async (id: string) => (await t.sql('select expires_at from demos where id = $1', [id]))[0]?.expires_at;
    expect(await expiry(free.demo.id)).toEqual(new Date(FINISHED.getTime() + 7 * day));
    expect(await expiry(pro.demo.id)).toEqual(new Date(FINISHED.getTime() + 90 * day));
    expect(await expiry(team.demo.id)).toBeNull();

    // Six days on nothing is due; the dashboard shows when it will be.
    expect((await sweep(new Date(FINISHED.getTime() + 6 * day))).expired).toBe(0);
    const [row] = (await service.listDemos('user_free')).demos;
    expect(row).toMatchObject({ status: 'done', expiresAt: new Date(FINISHED.getTime() + 7 * day).toISOString() });
    expect(row?.expiredAt).toBeUndefined();

    const now = new Date(FINISHED.getTime() + 8 * day);
    expect((await sweep(now)).expired).toBe(1);
    expect(await exists(free.video)).toBe(false);
    expect(await exists(path.dirname(free.video))).toBe(false);
    expect(await exists(free.runFolder)).toBe(false);
    expect(await service.sharedVideo(free.token)).toEqual({ state: 'expired', title: 'Tour' });
    await expect(service.openFile({ share: free.token }, undefined, 'video')).rejects.toMatchObject({ code: 'SR_NOT_FOUND' });
    await expect(service.openFile('user_free', free.demo.id, 'video')).rejects.toThrow('This video has expired.');
    const view = await service.getDemo('user_free', free.demo.id);
    expect(view).toMatchObject({
      status: 'done',
      expiredAt: now.toISOString(),
      files: undefined,
      shares: [{ token: free.token }],
    });
    const events = await t.sql("select data from demo_events where demo_id = $1 and type = 'status' order by id desc limit 1", [
      free.demo.id,
    ]);
    expect(events[0]?.data).toMatchObject({ status: 'done', expired: true });

    for (const paid of [pro, team]) {
      expect(await exists(paid.video)).toBe(true);
      expect(await exists(paid.runFolder)).toBe(true);
      expect((await service.sharedVideo(paid.token)).state).toBe('ok');
    }
    // A second sweep at the same time finds nothing more.
    expect((await sweep(now)).expired).toBe(0);
  });

  it('grants free users their month once (whatever the number of sweeps), continuing their waiting demos; paid users keep theirs', async () => {
    await service.ensureUser('user_month');
    await t.sql("update users set credits = 0, credits_period = 'free:2026-11' where id = 'user_month'");
    const waiting = await service.createDemo('user_month', NEW);
    await planAtReview(waiting.runId);
    expect((await service.confirm('user_month', waiting.id)).status).toBe('awaiting_payment');
    await t.sql("update users set credits_period = 'sub:1:2027-01-01', credits = 17 where id = 'user_pro'");

    const december = new Date('2026-12-01T00:30:00Z');
    const first = await sweep(december);
    expect(first.granted).toBeGreaterThanOrEqual(1);
    expect(first.continued).toBe(1);
    expect((await service.getDemo('user_month', waiting.id)).status).toBe('approved');
    expect((await service.listDemos('user_month')).credits).toBe(2);
    expect(await sweep(december)).toMatchObject({ granted: 0, continued: 0 });
    expect((await service.listDemos('user_month')).credits).toBe(2);
    expect((await service.listDemos('user_pro')).credits).toBe(17);
  });
});

describe('the housekeeping job', () => {
  it('is registered as a repeatable BullMQ job under the deployment prefix and runs the sweep', async () => {
    const late = await finishedDemo('user_late', 'free');
    const sweeps: number[] = [];
    const housekeeping = await startHousekeeping({
      everyMs: 200,
      now: () => new Date(FINISHED.getTime() + 30 * day),
      onSweep: (r) => sweeps.push(r.expired),
    });
    try {
      const schedulers = await housekeeping.queue.getJobSchedulers();
      expect(schedulers).toMatchObject([{ key: SWEEP_SCHEDULER, every: 200 }]);
      expect(housekeeping.queue.opts.prefix).toBe(queue().keys.prefix);
      await eventually(() => sweeps.length >= 2, 30_000, 'two sweeps');
      expect(sweeps).toContain(1);
      expect(await exists(late.video)).toBe(false);
      expect((await service.sharedVideo(late.token)).state).toBe('expired');
    } finally {
      await housekeeping.close();
    }
  });
});
