// The service the API routes call, against a real Postgres database and Redis (no workers here: the
// runs are submitted and wait in the queue). Owner scoping, the credit taken in one statement, card
// validation, shares and files.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AWAITING_PAYMENT } from '../src/db/charges';
import type { HostedError } from '../src/errors';
import { queue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { eventually, hostedTestEnv } from './helpers';

let t: Awaited<ReturnType<typeof hostedTestEnv>>;
beforeAll(async () => {
  t = await hostedTestEnv();
  await service.ensureUser(A);
  await t.sql('update users set credits = 100 where id = $1', [A]);
});
afterAll(async () => {
  await t?.stop();
});

const A = 'user_alice';
const B = 'user_bob';
const NEW = { url: 'https://app.example.com/', description: 'Title: Invite a teammate\ngo to /team\nclick "Invite"' };
const CARDS = [
  { id: 's1', action: 'goto', value: '/team', narration: 'Open the team page.' },
  { id: 's2', action: 'click', target: { name: 'Invite' }, narration: 'Invite someone.' },
  { id: 's3', action: 'fill', target: { label: 'Email' }, value: 'ann@example.com', narration: 'Type their email.' },
];

/** Put a demo's run (and cards) in a state, as the worker's status hook would have. */
async function setRun(id: string, fields: Record<string, unknown>, cards?: unknown[]) {
  const sets = Object.keys(fields).map((k, i) => `${k} = $${i + 2}`);
  await t.sql(`update runs set ${sets.join(', ')} where demo_id = $1`, [id, ...Object.values(fields)]);
  if (cards) {
    await t.sql('delete from steps where demo_id = $1', [id]);
    for (const [i, c] of cards.entries()) await t.sql('insert into steps values ($1, $2, $3)', [id, i, JSON.stringify(c)]);
  }
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: HostedError) => e.code,
  );

describe('createDemo and the dashboard', () => {
  it('validates the form, takes a credit, inserts the demo and its run, and submits the run', async () => {
    await service.ensureUser(A, { email: 'alice@example.com' });
    await expect(service.createDemo(A, { url: 'ftp://x', description: 'd' })).rejects.toMatchObject({
      code: 'SR_BAD_REQUEST',
      field: 'url',
    });
    await expect(service.createDemo(A, { url: 'https://x.example', description: '  ' })).rejects.toMatchObject({
      code: 'SR_BAD_REQUEST',
      field: 'description',
    });
    await expect(service.createDemo(A, { url: 'https://x.example', description: 'x'.repeat(4001) })).rejects.toMatchObject({
      field: 'description',
    });
    const view = await service.createDemo(A, NEW);
    expect(view).toMatchObject({ status: 'created', title: 'Invite a teammate', url: NEW.url, runId: view.id, steps: [] });
    expect(view.lastEventId).toBeGreaterThan(0);
    const run = await queue().read(view.runId);
    expect(run.state).toMatchObject({ status: 'created', request: { url: NEW.url } });
    expect(await queue().redis.hget(queue().keys.meta(view.runId), 'trust')).toBe('untrusted');
    const parseJobs = await queue().queue('parse').getJobCounts('waiting');
    expect(parseJobs.waiting).toBeGreaterThanOrEqual(1);
    const { demos, credits } = await service.listDemos(A);
    expect(credits).toBe(99);
    expect(demos.map((d) => d.id)).toEqual([view.id]);
    expect((await service.listDemos(B)).demos).toEqual([]);
  });

  it('takes the last credit in one statement: 50 concurrent createDemo calls with 1 credit left → 1 charged, MAX_AWAITING_PAYMENT uncharged, all planned', async () => {
    const user = 'user_rush';
    await service.ensureUser(user);
    await t.sql('update users set credits = 1 where id = $1', [user]);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => service.createDemo(user, NEW)));
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as HostedError).code);
    // One takes the credit; MAX_AWAITING_PAYMENT more go on to be planned without one; the rest are refused.
    expect(accepted.map((d) => d.status)).toEqual(Array(1 + MAX_AWAITING_PAYMENT).fill('created'));
    expect(accepted.filter((d) => d.needsPayment)).toHaveLength(MAX_AWAITING_PAYMENT);
    expect(refused).toEqual(Array(49 - MAX_AWAITING_PAYMENT).fill('SR_QUOTA_EXCEEDED'));
    const rows = await t.sql(
      `select r.status, r.charged, (select credits from users where id = $1) as credits
       from runs r join demos d on d.id = r.demo_id where d.owner_id = $1 order by r.charged`,
      [user],
    );
    expect(rows).toEqual([
      ...Array(MAX_AWAITING_PAYMENT).fill({ status: 'created', charged: false, credits: 0 }),
      { status: 'created', charged: true, credits: 0 },
    ]);
    const queued = await Promise.all(accepted.map((d) => queue().redis.exists(queue().keys.meta(d.runId))));
    expect(queued.filter(Boolean)).toHaveLength(1 + MAX_AWAITING_PAYMENT);
    await expect(service.createDemo(user, NEW)).rejects.toMatchObject({ code: 'SR_QUOTA_EXCEEDED', field: 'credits' });
  });
});

describe('owner scoping', () => {
  it("user B gets SR_NOT_FOUND from every function for A's demo (and A does not)", async () => {
    const mine = await service.createDemo(A, NEW);
    await setRun(mine.id, { status: 'awaiting_review' }, CARDS);
    const id = mine.id;
    const token = 'x'.repeat(43);
    const calls: Record<string, (user: string) => Promise<unknown>> = {
      getDemo: (u) => service.getDemo(u, id),
      saveSteps: (u) => service.saveSteps(u, id, CARDS),
      replanStep: (u) => service.replanStep(u, id, 1, 'click "Invite people"'),
      eventsAfter: (u) => service.eventsAfter(u, id, 0),
      subscribe: async (u) => (await service.subscribe(u, id, () => {}))(),
      answer: (u) => service.answer(u, id, { choice: 'skip' }),
      createShare: (u) => service.createShare(u, id),
      revokeShare: (u) => service.revokeShare(u, id, token),
      openFile: (u) => service.openFile(u, id, 'video'),
      confirm: (u) => service.confirm(u, id),
      cancelDemo: (u) => service.cancelDemo(u, id),
      deleteDemo: (u) => service.deleteDemo(u, id),
    };
    for (const [name, call] of Object.entries(calls)) {
      expect(`${name}: ${await codeOf(call(B))}`).toBe(`${name}: SR_NOT_FOUND`);
    }
    // The demo is untouched by B, and A reaches it (answer/createShare/openFile/revoke are refused for its state, not its owner).
    const own: Record<string, string> = {};
    for (const name of ['getDemo', 'saveSteps', 'replanStep', 'eventsAfter', 'subscribe', 'answer', 'createShare', 'openFile']) {
      own[name] = await codeOf(calls[name]!(A));
    }
    expect(own).toEqual({
      getDemo: 'resolved',
      saveSteps: 'resolved',
      replanStep: 'resolved',
      eventsAfter: 'resolved',
      subscribe: 'resolved',
      answer: 'SR_CONFLICT',
      createShare: 'SR_CONFLICT',
      openFile: 'SR_NOT_FOUND',
    });
    // A malformed id is the same SR_NOT_FOUND.
    expect(await codeOf(service.getDemo(A, 'not-a-uuid'))).toBe('SR_NOT_FOUND');
    expect(await codeOf(service.deleteDemo(B, id))).toBe('SR_NOT_FOUND');
    expect((await service.getDemo(A, id)).steps).toHaveLength(3);
  });
});

describe('saveSteps', () => {
  it('names the step and the field of the first problem, and saves valid cards in order with a steps event', async () => {
    const { id } = await service.createDemo(A, NEW);
    await setRun(id, { status: 'awaiting_review' }, CARDS);
    const fail = (cards: unknown[]) => service.saveSteps(A, id, cards).catch((e: HostedError) => e);
    expect(await fail([CARDS[0], { id: 's2', action: 'fill', target: { label: 'Email' }, narration: 'x' }])).toMatchObject({
      code: 'SR_INVALID_STEP',
      field: 'steps.1.value',
      step: 1,
    });
    expect(await fail([{ action: 'fly' }])).toMatchObject({ code: 'SR_INVALID_STEP', field: 'steps.0.action', step: 0 });
    expect(await fail([CARDS[0], CARDS[1], { ...CARDS[2], id: 's1' }])).toMatchObject({ field: 'steps.2.id', step: 2 });
    expect(await fail([CARDS[0], { ...CARDS[1], target: {} }])).toMatchObject({ field: 'steps.1.target', step: 1 });
    expect(await fail([CARDS[0], { ...CARDS[1], narration: 'x'.repeat(5000) }])).toMatchObject({ field: 'steps.1.narration' });
    expect(await fail([])).toMatchObject({ code: 'SR_INVALID_STEP', field: 'steps' });
    expect(await fail('nope' as never)).toMatchObject({ code: 'SR_BAD_REQUEST', field: 'steps' });

    const before = (await service.getDemo(A, id)).lastEventId;
    // Reordered, one narration edited, a new card without an id (it gets a free one).
    const edited = [{ ...CARDS[1], narration: 'Now invite them.' }, { action: 'press', value: 'Enter' }, CARDS[0]];
    const view = await service.saveSteps(A, id, edited);
    expect(view.steps.map((s) => s.id)).toEqual(['s2', 's2-2', 's1']);
    expect(view.steps[0]!.narration).toBe('Now invite them.');
    const events = await service.eventsAfter(A, id, before);
    expect(events).toMatchObject([{ type: 'steps', data: { count: 3 } }]);

    await setRun(id, { status: 'running' });
    expect(await fail(CARDS)).toMatchObject({ code: 'SR_CONFLICT', field: 'status' });
  });
});

describe('shares and files', () => {
  it('shares a finished video by a 43-character token, serves its bytes with Range, and stops when revoked', async () => {
    const { id } = await service.createDemo(A, NEW);
    await expect(service.createShare(A, id)).rejects.toMatchObject({ code: 'SR_CONFLICT' });
    const folder = path.join(t.dataDir, 'videos', 'invite-a-teammate', id);
    await mkdir(folder, { recursive: true });
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    await writeFile(path.join(folder, 'final.mp4'), bytes);
    await writeFile(path.join(folder, 'captions.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n');
    const file = (name: string) => pathToFileURL(path.join(folder, name)).href;
    const result = {
      url: file('final.mp4'),
      durationMs: 4200,
      files: [
        { role: 'video', path: 'merge/1/final.mp4', url: file('final.mp4'), contentType: 'video/mp4' },
        { role: 'captions', path: 'merge/1/captions.vtt', url: file('captions.vtt'), contentType: 'text/vtt' },
      ],
      chapters: [
        { title: 'Open the team page', startMs: 0, endMs: 2000 },
        { title: 'Invite', startMs: 2000, endMs: 4200 },
      ],
    };
    await setRun(id, { status: 'done', result: JSON.stringify(result), duration_ms: 4200 });

    const view = await service.getDemo(A, id);
    expect(view.files).toEqual({
      video: `/api/demos/${id}/files/video`,
      captions: `/api/demos/${id}/files/captions`,
      chapters: `/api/demos/${id}/files/chapters`,
      poster: undefined,
      durationMs: 4200,
    });
    const whole = await service.openFile(A, id, 'video');
    expect(whole).toMatchObject({ status: 200, size: 1000, contentType: 'video/mp4' });
    const part = await service.openFile(A, id, 'video', 'bytes=100-199');
    expect(part).toMatchObject({ status: 206, size: 100, contentRange: 'bytes 100-199/1000' });
    const got = Buffer.from(await new Response((part as { stream: ReadableStream }).stream).arrayBuffer());
    expect(got.equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await service.openFile(A, id, 'video', 'bytes=-10');
    expect(tail).toMatchObject({ status: 206, size: 10, contentRange: 'bytes 990-999/1000' });
    const chapters = await service.openFile(A, id, 'chapters');
    expect(await new Response((chapters as { stream: ReadableStream }).stream).text()).toBe(
      'WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nOpen the team page\n\n2\n00:00:02.000 --> 00:00:04.200\nInvite\n',
    );
    await expect(service.openFile(A, id, 'poster')).rejects.toMatchObject({ code: 'SR_NOT_FOUND' });

    const link = await service.createShare(A, id);
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.path).toBe(`/share/${link.token}`);
    const shared = await service.sharedVideo(link.token);
    expect(shared).toMatchObject({
      state: 'ok',
      title: 'Invite a teammate',
      files: { video: `/api/share/${link.token}/files/video` },
    });
    expect(await service.openFile({ share: link.token }, undefined, 'video', 'bytes=0-0')).toMatchObject({
      status: 206,
      size: 1,
    });
    await expect(service.openFile({ share: link.token }, undefined, 'failure')).rejects.toMatchObject({ code: 'SR_NOT_FOUND' });
    expect(await service.sharedVideo('y'.repeat(43))).toEqual({ state: 'missing' });

    await expect(service.revokeShare(B, id, link.token)).rejects.toMatchObject({ code: 'SR_NOT_FOUND' });
    await service.revokeShare(A, id, link.token);
    expect(await service.sharedVideo(link.token)).toEqual({ state: 'revoked', title: 'Invite a teammate' });
    await expect(service.openFile({ share: link.token }, undefined, 'video')).rejects.toMatchObject({ code: 'SR_NOT_FOUND' });
    expect((await service.getDemo(A, id)).shares).toMatchObject([{ token: link.token, revokedAt: expect.any(String) }]);

    await service.deleteDemo(A, id);
    await expect(service.getDemo(A, id)).rejects.toMatchObject({ code: 'SR_NOT_FOUND' });
    expect(await service.sharedVideo(link.token)).toEqual({ state: 'missing' });
    await eventually(async () => !(await import('node:fs')).existsSync(folder), 5_000, 'the video folder removed');
  });
});

describe('cancel', () => {
  it('marks the run cancelled at once and in the queue; a second cancel changes nothing', async () => {
    const { id, runId } = await service.createDemo(A, NEW);
    const view = await service.cancelDemo(A, id);
    expect(view.status).toBe('cancelled');
    expect((await queue().read(runId)).state.status).toBe('cancelled');
    expect((await service.cancelDemo(A, id)).status).toBe('cancelled');
    await expect(service.confirm(A, id)).rejects.toMatchObject({ code: 'SR_CONFLICT' });
  });
});
