// The pipeline on BullMQ queues over the machine's Redis, with real workers and the core's test
// plugins: review without holding a worker, decisions through answer(), cancel, duplicate enqueues,
// a stage that always fails, and one channel of events for any listener.
import { type DemoInput, parseDemo, readRun } from '@showrunner/core';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, runStatus, until } from './helpers.js';

const STAGE_NAMES = ['parse', 'tts', 'record', 'merge', 'storage'] as const;
const demo = (steps: DemoInput['steps']) => parseDemo({ url: 'http://localhost:9/', title: 'Queue', steps });
const tour = demo([
  { action: 'goto', value: '/', narration: 'Home.' },
  { action: 'click', target: { name: 'Go' }, narration: 'Go on.' },
]);
const broken = demo([
  { action: 'goto', value: '/', narration: 'Home.' },
  { action: 'click', target: { css: '#missing' }, narration: 'Open the menu.' },
  { action: 'click', target: { name: 'Done' }, narration: 'Done.' },
]);

let h: Awaited<ReturnType<typeof harness>> | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('queue', () => {
  it('runs a demo through one queue per stage and tells followers every step', async () => {
    h = await harness();
    const runId = await h.queue.submit({ demo: tour });
    const events = await until(h.queue, runId, runStatus('done', 'failed'));
    const run = await h.queue.read(runId);
    expect(run.state.status).toBe('done');
    expect(run.outputs.storage?.url).toMatch(/^file:/);
    const stages = events
      .filter((e) => e.hook === 'onStatusChange' && e.event.stage)
      .map((e) => `${e.event.stage}:${e.event.status}`);
    for (const stage of ['tts', 'record', 'merge', 'storage']) expect(stages).toContain(`${stage}:done`);
    expect(events.filter((e) => e.hook === 'onStepEnd')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ hook: 'onStatusChange', event: { runId, status: 'done' } });
  });

  it('a worker that records and merges encodes while recording; a recorder that does not merge leaves it to the merge job', async () => {
    const { liveListMerge } = await import('../../core/test/plugins.js');
    const seen: { live?: string; parts: string[] } = { parts: [] };
    h = await harness({ merge: liveListMerge(seen) });
    let runId = await h.queue.submit({ demo: tour });
    await until(h.queue, runId, runStatus('done', 'failed'));
    expect((await h.queue.read(runId)).state.status).toBe('done');
    expect(seen.live).toBe('merge/live'); // the record job ran the live merge and the merge beside it
    expect(seen.parts.at(-1)).toMatch(/ last$/);
    await h.stop();

    const apart: { live?: string; parts: string[] } = { parts: [] };
    h = await harness({ merge: liveListMerge(apart) }, { stages: ['parse', 'tts', 'record'] });
    const merger = await (await import('@showrunner/queue')).startWorkers(h.queue, h.config, {
      stages: ['merge', 'storage'],
      log: () => {},
    });
    try {
      runId = await h.queue.submit({ demo: tour });
      await until(h.queue, runId, runStatus('done', 'failed'));
      expect((await h.queue.read(runId)).state.status).toBe('done');
      expect(apart).toEqual({ live: undefined, parts: [] }); // the old order: record, then the merge job
    } finally {
      await merger.close(true);
    }
  });

  it('plans, then waits for review holding no worker, and records the approved plan', async () => {
    h = await harness();
    const description = 'Title: Review me\ngo to /\nclick "Sign up" — Sign up.';
    const runId = await h.queue.submit({ request: { url: 'http://localhost:9/', description, language: 'zh' } });
    await until(h.queue, runId, runStatus('awaiting_review'));
    const waiting = await Promise.all((['tts', 'record'] as const).map((s) => h!.queue.queue(s).getJobCounts()));
    expect(waiting.every((c) => Object.values(c).every((n) => n === 0))).toBe(true); // nothing enqueued
    const plan = (await h.queue.read(runId)).outputs.parse!.demo;
    expect(plan.language).toBe('zh'); // the request's language travels with it to the worker that plans
    await h.queue.approve(runId, { ...plan, steps: [plan.steps[0]] }, { by: 'user_1' });
    await until(h.queue, runId, runStatus('done', 'failed'));
    const run = await h.queue.read(runId);
    expect(run.state).toMatchObject({ status: 'done', approval: { by: 'user_1' }, request: { language: 'zh' } });
    expect(run.demo?.language).toBe('zh');
    expect(run.outputs.record?.steps).toHaveLength(1);
  });

  it('a failed step waits in the record job for answer(), which skips it', async () => {
    h = await harness();
    const runId = await h.queue.submit({ demo: broken });
    await until(h.queue, runId, runStatus('paused'));
    await expect(h.queue.answer(runId, 'skip', { by: 'user_2' })).resolves.toBeUndefined();
    await until(h.queue, runId, runStatus('done', 'failed'));
    const run = await h.queue.read(runId);
    expect(run.state.status).toBe('done');
    expect(run.state.steps.s2).toBe('skipped');
    expect(run.state.decisions).toMatchObject([{ stepId: 's2', answer: 'skip', by: 'user_2', source: 'person' }]);
    await expect(h.queue.answer(runId, 'retry')).rejects.toMatchObject({ code: 'SR_RUN_STATE' });
  });

  it('a failed step answered "describe" is replaced, the new step gets its clip (tts runs again), and the run finishes', async () => {
    h = await harness();
    const runId = await h.queue.submit({ demo: broken });
    await until(h.queue, runId, runStatus('paused'));
    await h.queue.answer(runId, { describe: 'click "Menu" — Open the menu instead.' }, { by: 'user_4' });
    await until(h.queue, runId, runStatus('done', 'failed'));
    const run = await h.queue.read(runId);
    expect(run.state.status).toBe('done');
    expect(run.state.steps).toMatchObject({ s2: 'replaced', 's2.1': 'done' });
    expect(run.outputs.tts?.clips.map((c) => c.stepId)).toContain('s2.1');
    expect(run.state.decisions).toMatchObject([
      { stepId: 's2', answer: 'replace', describe: 'click "Menu" — Open the menu instead.' },
    ]);
  });

  it('cancelling a run that waits for a decision ends its job within 2 s; the run is cancelled', async () => {
    h = await harness();
    const runId = await h.queue.submit({ demo: broken });
    await until(h.queue, runId, runStatus('paused'));
    const at = Date.now();
    await h.queue.cancel(runId, { by: 'user_3' });
    const record = h.queue.queue('record');
    for (let i = 0; i < 100 && (await record.getActiveCount()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await record.getActiveCount()).toBe(0);
    expect(Date.now() - at).toBeLessThan(2_000);
    expect((await h.queue.read(runId)).state.status).toBe('cancelled');
  });

  it('enqueuing the same next stage twice is one job', async () => {
    h = await harness({}, { stages: ['merge'] }); // no tts/record workers: the jobs stay put
    const runId = await h.queue.submit({ demo: tour });
    await h.queue.advance(runId);
    await h.queue.advance(runId);
    expect(await h.queue.queue('record').getWaitingCount()).toBe(1);
  });

  it('a stage that always fails marks the run failed with its code, and nothing is left waiting', async () => {
    const failing = {
      ...(await import('../../core/test/plugins.js')).listMerge(),
      run: async () => {
        throw new Error('disk full');
      },
    };
    h = await harness({ merge: failing as never });
    const runId = await h.queue.submit({ demo: tour });
    const events = await until(h.queue, runId, runStatus('done', 'failed'));
    expect(events.at(-1)?.event).toMatchObject({ status: 'failed', error: { code: 'SR_STAGE_FAILED' } });
    const run = await readRun(h.queue.runDir(runId), h.queue.store);
    expect(run.state).toMatchObject({ status: 'failed', stages: { merge: { status: 'failed' } } });
    // The failed job leaves `active` just after the run's last event: give BullMQ a moment.
    const busy = async () => {
      const counts = await Promise.all(STAGE_NAMES.map((s) => h!.queue.queue(s).getJobCounts('waiting', 'active', 'delayed')));
      return counts.reduce((n, c) => n + (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0), 0);
    };
    for (let i = 0; i < 50 && (await busy()) > 0; i++) await new Promise((r) => setTimeout(r, 40));
    expect(await busy()).toBe(0);
  });
});
