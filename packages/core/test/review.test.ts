// The run's state machine as a worker or web page drives it: plan, wait for review, approve (edited or
// not), record; never approved by itself; nextStep says what runs next at every point.
import {
  approvePlan,
  cancelRun,
  createRun,
  nextStep,
  readRun,
  resolveConfig,
  runPipeline,
  runStage,
  type ShowrunnerError,
} from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

const script = 'Title: Sign up\ngo to /\nclick "Sign up" — Click sign up.\ntype "ada@example.com" into "Email"';

async function planned() {
  const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge() }, { root: await tempDir() });
  const runDir = await createRun(config.runsDir, { request: { url: 'http://localhost:9/', description: script } });
  return { config, runDir };
}

describe('review and approval', () => {
  it('stops at awaiting_review when no one reviews and autoApprove is not asked for', async () => {
    const { config, runDir } = await planned();
    expect(nextStep(await readRun(runDir))).toEqual({ kind: 'stages', stages: ['parse'] });
    const run = await runPipeline(config, runDir);
    expect(run.state.status).toBe('awaiting_review');
    expect(run.state.approval).toBeUndefined();
    expect(run.demo).toBeUndefined();
    expect(run.outputs.parse?.demo.steps).toHaveLength(3);
    expect(run.outputs.record).toBeUndefined();
    expect(nextStep(run)).toEqual({ kind: 'review' });
    // A worker resuming the run does not skip the person's confirmation either.
    const again = await runPipeline(config, runDir);
    expect(again.state.status).toBe('awaiting_review');
    await expect(runStage(config, 'record', runDir)).rejects.toMatchObject({ code: 'SR_RUN_STATE' });
  });

  it('records the edited plan once it is approved, and says who approved it', async () => {
    const { config, runDir } = await planned();
    const plan = (await runPipeline(config, runDir)).outputs.parse!.demo;
    const edited = { ...plan, steps: [...plan.steps.slice(0, 2), { action: 'press', value: 'Enter', narration: 'Send it.' }] };
    const approved = await approvePlan(runDir, edited, { by: 'user_42' });
    expect(approved.state).toMatchObject({ status: 'approved', approval: { by: 'user_42', auto: false } });
    expect(nextStep(approved)).toEqual({ kind: 'stages', stages: ['tts', 'record'] });
    const done = await runPipeline(config, runDir);
    expect(done.state.status).toBe('done');
    expect(done.outputs.record?.steps.map((s) => s.step.action)).toEqual(['goto', 'click', 'press']);
    expect(nextStep(done)).toEqual({ kind: 'done' });
  });

  it('approves by itself only when asked (autoApprove), and records that', async () => {
    const { config, runDir } = await planned();
    const run = await runPipeline(config, runDir, { autoApprove: true });
    expect(run.state.status).toBe('done');
    expect(run.state.approval).toMatchObject({ by: 'auto', auto: true });
  });

  it('refuses an edited plan with an error naming the step and the field, and keeps waiting', async () => {
    const { config, runDir } = await planned();
    const plan = (await runPipeline(config, runDir)).outputs.parse!.demo;
    const steps = plan.steps.map((s, i) => (i === 1 ? { ...s, target: undefined } : s));
    const err = (await approvePlan(runDir, { ...plan, steps }, { by: 'u' }).catch((e: unknown) => e)) as ShowrunnerError;
    expect(err).toMatchObject({ code: 'SR_DEMO_INVALID', field: 'steps[1].target', step: { index: 1, id: 's2' } });
    const file = { ...plan, steps: [{ action: 'goto', value: 'file:///etc/passwd', narration: 'x' }] };
    expect(await approvePlan(runDir, file, { by: 'u' }).catch((e: unknown) => e)).toMatchObject({
      code: 'SR_URL_REFUSED',
      field: 'steps[0].value',
    });
    expect((await readRun(runDir)).state.status).toBe('awaiting_review');
  });

  it('refuses to approve a run that is not waiting for review', async () => {
    const { config, runDir } = await planned();
    const plan = (await runPipeline(config, runDir, { autoApprove: true })).outputs.parse!.demo;
    await expect(approvePlan(runDir, plan, { by: 'late' })).rejects.toMatchObject({ code: 'SR_RUN_STATE', field: 'status' });
  });

  it('a run made from a demo file starts approved; a cancelled run stops until resumed', async () => {
    const { config } = await planned();
    const plan = { url: 'http://localhost:9/', steps: [{ action: 'goto' as const, value: '/', narration: 'Home.' }] };
    const runDir = await createRun(config.runsDir, { demo: (await import('@showrunner/core')).parseDemo(plan) });
    expect((await readRun(runDir)).state).toMatchObject({ status: 'approved', approval: { by: 'demo' } });
    const cancelled = await cancelRun(runDir, { by: 'user_7' });
    expect(cancelled.state.status).toBe('cancelled');
    expect(nextStep(cancelled)).toMatchObject({ kind: 'stopped', status: 'cancelled' });
    expect(nextStep(cancelled, { resume: true })).toEqual({ kind: 'stages', stages: ['tts', 'record'] });
    expect((await runPipeline(config, runDir)).state.status).toBe('done');
  });
});
