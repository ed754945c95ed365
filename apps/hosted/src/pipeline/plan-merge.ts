import { definePlugin, type MergePlugin, ShowrunnerError } from '@showrunner/core';
import ffmpeg, { type FfmpegOptions, type WatermarkOptions } from '@showrunner/plugin-ffmpeg';
import { type Plan, planOf } from '../billing/plans';
import { db } from '../db/client';
import { planOfRun } from '../db/users';

/** Options of {@link planMerge}. */
export interface PlanMergeOptions {
  /** plugin-ffmpeg's options for every plan. */
  ffmpeg?: FfmpegOptions;
  /** The mark on plans with `watermark` (plugin-ffmpeg's option; `true` = its default corner mark). */
  watermark?: WatermarkOptions | true;
  /** The plan of a run's owner. Default: looked up in Postgres (runs → demos → users). */
  planOf?: (runId: string) => Promise<Plan>;
}

/**
 * The hosted merge stage: plugin-ffmpeg, applying the run owner's plan (looked up by ctx.runId). Free
 * videos get the watermark; a video longer than the plan's maxVideoSeconds fails with
 * SR_LIMIT_EXCEEDED naming the limit and the plan — before encoding when the recording alone is
 * over, after it when the narration's holds made the video longer. Encodes while recording too (the
 * plugin's `live`, with the same plan's options). Used by showrunner.config.ts.
 */
export function planMerge(options: PlanMergeOptions = {}): MergePlugin {
  const plain = ffmpeg(options.ffmpeg);
  const marked = ffmpeg({ ...options.ffmpeg, watermark: options.watermark ?? true });
  const lookup = options.planOf ?? runOwnerPlan;
  return definePlugin({
    name: 'hosted:plan-merge',
    stage: 'merge',
    async run(input, ctx) {
      const plan = await lookup(ctx.runId);
      const limitMs = plan.maxVideoSeconds * 1000;
      if (input.recording.durationMs > limitMs) throw overLimit(plan, input.recording.durationMs, 'The recording');
      const output = await (plan.watermark ? marked : plain).run(input, ctx);
      if (output.durationMs > limitMs) throw overLimit(plan, output.durationMs, 'The video');
      return output;
    },
    // Encoding while recording with the same plan's options; `run` still checks the limits and takes it only when it matches.
    async live(input, ctx) {
      const plan = await lookup(ctx.runId);
      return (plan.watermark ? marked : plain).live!(input, ctx);
    },
  });
}

/** The plan of the run's owner; a run the database does not know (a CLI run of this config) counts as free. */
async function runOwnerPlan(runId: string): Promise<Plan> {
  return planOf(await planOfRun(db(), runId));
}

/** SR_LIMIT_EXCEEDED: "The video is 2:31 long, over the Free plan's limit of 2:00 (maxVideoSeconds 120)". */
export function overLimit(plan: Plan, ms: number, what: string): ShowrunnerError {
  return new ShowrunnerError(
    'SR_LIMIT_EXCEEDED',
    `${what} is ${mmss(ms)} long, over the ${plan.name} plan's limit of ${mmss(plan.maxVideoSeconds * 1000)} (maxVideoSeconds ${plan.maxVideoSeconds}).`,
    { field: 'maxVideoSeconds', hint: 'Shorten the steps or their narration, or upgrade the plan.' },
  );
}

const mmss = (ms: number) => {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
