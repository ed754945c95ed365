// One real run through the queue, in this process: BullMQ workers with core's test plugins (a voice
// that hums, a recorder without a browser, a merge that lists its inputs) plus the hosted status hook,
// driven only through the service, as the web pages drive it. createDemo → the plan at review with
// its cards in the database → edit a narration and reorder → confirm → a step fails and waits →
// answered "describe it by hand" → done, with runs.result and the event log in order.
import path from 'node:path';
import { localStore, resolveConfig } from '@showrunner/core';
import { startWorkers, type Workers } from '@showrunner/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder } from '../../../packages/core/test/plugins';
import { queue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { statusHook } from '../src/pipeline/status-hook';
import type { DemoView } from '../src/pipeline/types';
import { eventually, hostedTestEnv } from './helpers';

let t: Awaited<ReturnType<typeof hostedTestEnv>>;
let workers: Workers;
beforeAll(async () => {
  t = await hostedTestEnv();
  const config = await resolveConfig(
    {
      tts: humTts(),
      record: paperRecorder(),
      merge: listMerge(),
      storage: localStore({ dir: path.join(t.dataDir, 'videos'), perRun: true }),
      runsDir: path.join(t.dataDir, 'runs'),
      cacheDir: path.join(t.dataDir, 'cache'),
      plugins: [statusHook()],
    },
    { root: t.dataDir },
  );
  workers = await startWorkers(queue(), config, { log: () => {} });
});
afterAll(async () => {
  await workers?.close(true);
  await t?.stop();
});

const USER = 'user_runner';
const DESCRIPTION = ['Title: Invite a teammate', 'go to /team', 'click "Members"', 'click "Invite" — Invite a teammate.'].join(
  '\n',
);
const until = (id: string, statuses: string[]) =>
  eventually(
    async () => {
      const view = await service.getDemo(USER, id);
      return statuses.includes(view.status) ? view : undefined;
    },
    30_000,
    `demo ${id} to be ${statuses.join(' or ')}`,
  );

describe('a run through the queue, driven by the service', () => {
  it('plans, waits at review, records the edited cards, pauses on a failed step, takes "describe", and finishes', async () => {
    const created = await service.createDemo(USER, { url: 'http://localhost:9/', description: DESCRIPTION });

    // The plan reaches review: its cards are in the database, and the demo is named by the plan.
    const review = await until(created.id, ['awaiting_review', 'failed']);
    expect(review.status).toBe('awaiting_review');
    expect(review.title).toBe('Invite a teammate');
    expect(review.steps.map((s) => [s.id, s.action])).toEqual([
      ['s1', 'goto'],
      ['s2', 'click'],
      ['s3', 'click'],
    ]);
    const [rows] = await t.sql('select count(*)::int as n from steps where demo_id = $1', [created.id]);
    expect(rows!.n).toBe(3);

    // Edit: a new narration for the first card, the last two swapped, and the "Members" card broken
    // (its element cannot be found), so the recording stops on it.
    const [goto, members, invite] = review.steps as [DemoView['steps'][0], DemoView['steps'][0], DemoView['steps'][0]];
    const edited = [
      { ...goto, narration: 'Start on the team page.' },
      invite,
      { ...members, target: { css: '#missing' }, narration: 'Open the members list.' },
    ];
    const saved = await service.saveSteps(USER, created.id, edited);
    expect(saved.steps.map((s) => s.id)).toEqual(['s1', 's3', 's2']);
    await service.confirm(USER, created.id);
    await expect(service.confirm(USER, created.id)).rejects.toMatchObject({ code: 'SR_CONFLICT' });

    // The broken step pauses the run with what the failure panel shows.
    const paused = await until(created.id, ['paused', 'failed', 'done']);
    expect(paused.status).toBe('paused');
    expect(paused.failure).toMatchObject({ stepId: 's2', index: 2, code: 'SR_STEP_TARGET_NOT_FOUND', attempt: 1 });
    expect(paused.failure!.deadline).toEqual(expect.any(String)); // untrusted runs have a decision deadline
    expect(paused).toMatchObject({ stage: 'record', stepCount: 3, stepIndex: 2 });

    // Describe it by hand: the worker plans the sentence into a replacement step and records on.
    await expect(service.answer(USER, created.id, { choice: 'describe', text: ' ' })).rejects.toMatchObject({ field: 'text' });
    await service.answer(USER, created.id, { choice: 'describe', text: 'click "Members"' });
    const done = await until(created.id, ['done', 'failed']);
    expect(done.status).toBe('done');
    expect(done.progress).toBe(1);
    expect(done.files).toEqual({
      video: `/api/demos/${created.id}/files/video`,
      poster: undefined,
      captions: undefined,
      chapters: undefined,
      durationMs: expect.any(Number),
    });
    await expect(service.answer(USER, created.id, { choice: 'skip' })).rejects.toMatchObject({ code: 'SR_CONFLICT' });

    // runs.result: the stored files (local store, one folder per run) and merge's duration.
    const [run] = await t.sql('select result, duration_ms, finished_at from runs where id = $1', [created.runId]);
    expect(run!.result).toMatchObject({
      url: expect.stringMatching(new RegExp(`^file://.*/videos/invite-a-teammate/${created.runId}/final\\.mp4$`)),
      files: [{ role: 'video', contentType: 'video/mp4' }],
    });
    expect(run!.duration_ms).toBe(run!.result.durationMs);
    expect(run!.finished_at).not.toBeNull();
    const video = await service.openFile(USER, created.id, 'video');
    const text = await new Response((video as { stream: ReadableStream }).stream).text();
    expect(text.split('\n').map((l) => l.split(' ')[0])).toEqual(['s1', 's3', 's2.1']); // the replaced step is in the video

    // The queue's run: the approval and the decision are the user's; the decision is in the database too.
    const state = (await queue().read(created.runId)).state;
    expect(state.approval).toMatchObject({ by: USER });
    expect(state.decisions).toMatchObject([{ stepId: 's2', answer: 'replace', describe: 'click "Members"', by: USER }]);
    const decisions = await t.sql('select step_id, choice, text, by from decisions where demo_id = $1', [created.id]);
    expect(decisions).toEqual([{ step_id: 's2', choice: 'describe', text: 'click "Members"', by: USER }]);

    // The event log, in order, as a page replaying it from the start would get it.
    const events = await service.eventsAfter(USER, created.id, 0);
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const story = events.map((e) => {
      const d = e.data as Record<string, unknown>;
      if (e.type === 'status') return `status:${d.status}${d.stage && d.stageStatus === 'running' ? `:${d.stage}` : ''}`;
      if (e.type === 'step') return `step:${d.phase}:${d.stepId}`;
      if (e.type === 'failure') return `failure:${d.stepId}`;
      if (e.type === 'decision') return `decision:${d.choice}`;
      return e.type;
    });
    const expected = [
      'status:created',
      'status:running:parse',
      'status:awaiting_review',
      'steps',
      'steps',
      'status:approved',
      'status:running:record',
      'step:start:s1',
      'step:end:s1',
      'step:start:s3',
      'step:end:s3',
      'step:start:s2',
      'failure:s2',
      'status:paused',
      'decision:describe',
      'status:running',
      'step:end:s2',
      'step:start:s2.1',
      'step:end:s2.1',
      'status:running:merge',
      'status:running:storage',
      'status:done',
    ];
    // Every milestone appears, in this order (other events, e.g. progress, may sit between them).
    let at = -1;
    for (const milestone of expected) {
      const next = story.indexOf(milestone, at + 1);
      expect(`${milestone} after #${at}: ${next > at}`).toBe(`${milestone} after #${at}: true`);
      at = next;
    }
    expect(story.at(-1)).toBe('status:done');
  });
});
