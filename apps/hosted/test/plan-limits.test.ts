// The plan's limits in a run: the merge (showrunner.config.ts's planMerge, plugin-ffmpeg underneath)
// looks up the run owner's plan in Postgres and marks free videos; a video over maxVideoSeconds fails
// with SR_LIMIT_EXCEEDED naming the limit and plan; confirm refuses cards whose narration alone is over.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type MergeOutput, resolveConfig, runStage } from '@showrunner/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eachFrame } from '../../../packages/plugin-ffmpeg/test/media';
import { tempDir, twoStepPlan, writeRun } from '../../../packages/plugin-ffmpeg/test/scenario';
import { PLANS } from '../src/billing/plans';
import { planMerge } from '../src/pipeline/plan-merge';
import * as service from '../src/pipeline/service';
import { hostedTestEnv } from './helpers';

let t: Awaited<ReturnType<typeof hostedTestEnv>>;
beforeAll(async () => {
  t = await hostedTestEnv();
});
afterAll(async () => {
  await t?.stop();
});

const W = 320;
const H = 200;

/** A run folder of the two-step scenario, owned (demos/runs rows) by a user on `plan`. */
async function ownedRun(user: string, plan: string, merge: ReturnType<typeof planMerge>) {
  const config = await resolveConfig({ merge }, { root: await tempDir() });
  const runDir = await writeRun(config.runsDir, twoStepPlan);
  const runId = path.basename(runDir);
  await service.ensureUser(user);
  await t.sql('update users set plan = $2 where id = $1', [user, plan]);
  const demoId = randomUUID();
  await t.sql(
    "insert into demos (id, owner_id, title, url, description, run_id) values ($1, $2, 't', 'https://x.example', 'd', $3)",
    [demoId, user, runId],
  );
  await t.sql("insert into runs (id, demo_id, status) values ($1, $2, 'running')", [runId, demoId]);
  return { config, runDir };
}

async function merged(user: string, plan: string) {
  const { config, runDir } = await ownedRun(user, plan, planMerge());
  const out = (await runStage(config, 'merge', runDir, {})) as MergeOutput;
  const frames: Buffer[] = [];
  await eachFrame(path.join(runDir, out.files[0]!.path), { width: W, height: H }, (rgb) => frames.push(Buffer.from(rgb)));
  return { out, frames };
}

/** Pixels of the bottom-right corner that differ (by more than 60 over RGB) between two frames. */
function cornerChanges(a: Buffer, b: Buffer): number {
  let n = 0;
  for (let y = Math.round(H * 0.85); y < H; y++) {
    for (let x = Math.round(W * 0.55); x < W; x++) {
      const i = (y * W + x) * 3;
      if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > 60) n++;
    }
  }
  return n;
}

describe('planMerge', () => {
  it("marks a free owner's video and not a pro owner's (same recording)", async () => {
    const free = await merged('user_free_merge', 'free');
    const pro = await merged('user_pro_merge', 'pro');
    expect(free.frames.length).toBe(pro.frames.length);
    const middle = Math.floor(free.frames.length / 2);
    expect(cornerChanges(free.frames[middle]!, pro.frames[middle]!)).toBeGreaterThan(20);
  });

  it('fails with SR_LIMIT_EXCEEDED naming the limit and plan: before encoding (recording over) and after (video over)', async () => {
    const tiny = { ...PLANS.free, maxVideoSeconds: 1 };
    const before = await ownedRun('user_limit', 'free', planMerge({ planOf: async () => tiny }));
    const early = runStage(before.config, 'merge', before.runDir, {});
    await expect(early).rejects.toMatchObject({ code: 'SR_LIMIT_EXCEEDED', field: 'maxVideoSeconds' });
    await expect(early).rejects.toThrow("The recording is 0:02 long, over the Free plan's limit of 0:01 (maxVideoSeconds 1).");

    // The recording (2 s) fits 2 s; the intro card makes the video 3 s.
    const withIntro = planMerge({
      ffmpeg: { intro: { title: 'Hello', durationMs: 1000 } },
      planOf: async () => ({ ...tiny, maxVideoSeconds: 2 }),
    });
    const after = await ownedRun('user_limit', 'free', withIntro);
    await expect(runStage(after.config, 'merge', after.runDir, {})).rejects.toThrow(
      /The video is 0:0[34] long, over the Free plan's limit of 0:02 \(maxVideoSeconds 2\)\./,
    );
  });
});

describe('confirm and the plan length', () => {
  it("refuses cards whose narration alone is over the plan's maxVideoSeconds, naming limit and plan; a pro owner may", async () => {
    // 6 cards of 130 words (each under the 1000-character narration limit): at least 156 s at the
    // fastest voice, over Free's 120 s.
    const cards = Array.from({ length: 6 }, (_, i) => ({
      id: `s${i + 1}`,
      action: 'goto',
      value: `/page-${i}`,
      narration: 'word '.repeat(130).trim(),
    }));
    for (const [user, plan] of [
      ['user_free_confirm', 'free'],
      ['user_pro_confirm', 'pro'],
    ] as const) {
      await service.ensureUser(user);
      await t.sql('update users set plan = $2 where id = $1', [user, plan]);
      const demo = await service.createDemo(user, { url: 'https://app.example.com/', description: 'Title: Long\ngo to /' });
      await t.sql("update runs set status = 'awaiting_review' where id = $1", [demo.id]);
      await service.saveSteps(user, demo.id, cards as never);
      if (plan === 'free') {
        await expect(service.confirm(user, demo.id)).rejects.toMatchObject({
          code: 'SR_PLAN_LIMIT',
          field: 'steps',
          message: expect.stringContaining("over the Free plan's limit of 120 s per video (maxVideoSeconds)"),
        });
        expect((await service.getDemo(user, demo.id)).status).toBe('awaiting_review');
      } else {
        // Past the plan check; the queue then refuses a run that never went through its planner here.
        const answer = await service.confirm(user, demo.id).catch((e: { code: string }) => e);
        expect((answer as { code?: string }).code).not.toBe('SR_PLAN_LIMIT');
      }
    }
  });
});
