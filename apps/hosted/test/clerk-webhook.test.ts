// Clerk's user events through the real route handler (app/api/webhooks/clerk/route.ts), signed the way
// Clerk (svix) signs them — svix-id, svix-timestamp, svix-signature `v1,<base64 HMAC-SHA256 of
// "id.timestamp.body">` — by the standardwebhooks library, against a real Postgres and Redis. Forged,
// wrong-secret, replayed, out-of-order and unknown deliveries must leave the right state every time.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NextRequest } from 'next/server';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/webhooks/clerk/route';
import { queue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { hostedTestEnv } from './helpers';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const OTHER_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
let t: Awaited<ReturnType<typeof hostedTestEnv>>;
beforeAll(async () => {
  t = await hostedTestEnv({ CLERK_WEBHOOK_SECRET: SECRET });
});
afterAll(async () => {
  await t?.stop();
});

interface Delivery {
  id: string;
  body: string;
  headers: Record<string, string>;
}

/** A delivery as Clerk sends it: the JSON body and the three svix headers, signed with `secret`. */
function signed(type: string, data: Record<string, unknown>, secret = SECRET, at = new Date()): Delivery {
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const body = JSON.stringify({ type, object: 'event', data, timestamp: at.getTime(), instance_id: 'ins_test' });
  const signature = new Webhook(secret).sign(id, at, body);
  return {
    id,
    body,
    headers: { 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signature },
  };
}

async function send(d: Delivery): Promise<{ status: number; body: { outcome?: string; error?: { code: string } } }> {
  const req = new NextRequest('http://localhost/api/webhooks/clerk', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...d.headers },
    body: d.body,
  });
  const res = await POST(req);
  return { status: res.status, body: await res.json() };
}

const user = (id: string, updatedAt: number, name: [string, string], email: string) => ({
  id,
  object: 'user',
  first_name: name[0],
  last_name: name[1],
  username: null,
  primary_email_address_id: 'idn_1',
  email_addresses: [
    { id: 'idn_0', email_address: 'old@example.com' },
    { id: 'idn_1', email_address: email },
  ],
  created_at: 1_700_000_000_000,
  updated_at: updatedAt,
});

/** Everything a delivery can change: the users and the deliveries recorded. */
const snapshot = async () =>
  JSON.stringify([
    await t.sql('select id, email, name, profile_updated_at, deleted_at, credits from users order by id'),
    await t.sql('select count(*)::int as n from webhook_events'),
  ]);
const row = async (id: string) =>
  (await t.sql('select email, name, deleted_at, credits from users where id = $1', [id]))[0] as
    | Record<string, unknown>
    | undefined;

describe('POST /api/webhooks/clerk', () => {
  it('a user who signed in first is filled in by user.created, not duplicated; newer updates win, older ones change nothing', async () => {
    await service.ensureUser('user_early'); // the first request, before the webhook
    expect(await send(signed('user.created', user('user_early', 1000, ['Ann', 'Lee'], 'ann@example.com')))).toMatchObject({
      status: 200,
      body: { outcome: 'applied' },
    });
    expect(await row('user_early')).toMatchObject({ email: 'ann@example.com', name: 'Ann Lee', deleted_at: null, credits: 3 });
    expect(await t.sql("select count(*)::int as n from users where id = 'user_early'")).toEqual([{ n: 1 }]);

    // Out of order: the update of t=3000 arrives before the one of t=2000.
    const newer = signed('user.updated', user('user_early', 3000, ['Ann', 'Smith'], 'ann.smith@example.com'));
    const older = signed('user.updated', user('user_early', 2000, ['Ann', 'Jones'], 'ann.jones@example.com'));
    expect((await send(newer)).body.outcome).toBe('applied');
    expect((await send(older)).body.outcome).toBe('stale');
    expect(await row('user_early')).toMatchObject({ email: 'ann.smith@example.com', name: 'Ann Smith' });
  });

  it('forged, wrong-secret, tampered, unsigned and stale deliveries are refused with 400 and change nothing; replays change nothing', async () => {
    await send(signed('user.created', user('user_target', 1000, ['Bo', 'Ek'], 'bo@example.com')));
    const before = await snapshot();
    const evil = user('user_target', 9_999_999, ['Mallory', 'X'], 'mallory@example.com');
    const genuine = signed('user.updated', evil);
    const forged: Delivery[] = [
      signed('user.updated', evil, OTHER_SECRET), // wrong secret
      { ...genuine, body: genuine.body.replace('mallory', 'eve') }, // body changed after signing
      { ...genuine, headers: { ...genuine.headers, 'svix-id': 'msg_other' } }, // signature of another id
      { ...genuine, headers: { ...genuine.headers, 'svix-signature': 'v1,AAAA' } }, // made-up signature
      { ...genuine, headers: { 'svix-id': genuine.id, 'svix-timestamp': genuine.headers['svix-timestamp']! } }, // unsigned
      signed('user.updated', evil, SECRET, new Date(Date.now() - 10 * 60_000)), // signed 10 minutes ago
      signed('user.deleted', { id: 'user_target', object: 'user', deleted: true }, OTHER_SECRET),
    ];
    const statuses = [];
    for (const d of forged) statuses.push((await send(d)).status);
    expect(statuses).toEqual(Array(forged.length).fill(400));
    expect(await snapshot()).toBe(before);

    const real = signed('user.updated', user('user_target', 5000, ['Bo', 'Ek'], 'bo.ek@example.com'));
    expect((await send(real)).body.outcome).toBe('applied');
    const after = await snapshot();
    const replays = [];
    for (let i = 0; i < 5; i++) replays.push((await send(real)).body.outcome);
    expect(replays).toEqual(Array(5).fill('duplicate'));
    expect(await snapshot()).toBe(after);
    console.log(
      `clerk webhooks: ${forged.length} forged refused (state changed by 0), ${replays.length} replays (state changed by 0)`,
    );
  });

  it('an unknown event type is recorded as ignored', async () => {
    const before = (await snapshot()).length;
    const d = signed('session.created', { id: 'sess_1', user_id: 'user_early', object: 'session' });
    expect(await send(d)).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    expect(await t.sql('select type, outcome from webhook_events where id = $1', [d.id])).toEqual([
      { type: 'session.created', outcome: 'ignored' },
    ]);
    expect((await snapshot()).length).toBe(before);
  });

  it("user.deleted tombstones the user, cancels their queued run, removes their demos' files, shares and rows; later events change nothing", async () => {
    const id = 'user_leaving';
    await send(signed('user.created', user(id, 1000, ['Cy', 'Do'], 'cy@example.com')));
    const queued = await service.createDemo(id, { url: 'https://app.example.com/', description: 'Title: One\ngo to /' });
    const done = await service.createDemo(id, { url: 'https://app.example.com/', description: 'Title: Two\ngo to /' });
    // The second one finished: a local video in its run's folder and a share link.
    const folder = path.join(t.dataDir, 'videos', 'demo', done.runId);
    await mkdir(folder, { recursive: true });
    const video = path.join(folder, 'demo.mp4');
    await writeFile(video, 'video bytes');
    const result = {
      url: pathToFileURL(video).href,
      files: [{ role: 'video', path: 'demo.mp4', url: pathToFileURL(video).href }],
    };
    await t.sql("update runs set status = 'done', result = $2 where id = $1", [done.id, JSON.stringify(result)]);
    await service.createShare(id, done.id);
    await mkdir(path.join(t.dataDir, 'runs', queued.runId), { recursive: true });

    const deleted = signed('user.deleted', { id, object: 'user', deleted: true });
    expect(await send(deleted)).toMatchObject({ status: 200, body: { outcome: 'applied' } });
    expect(await row(id)).toMatchObject({ email: null, name: null, credits: 0 });
    expect((await row(id))?.deleted_at).toBeInstanceOf(Date);
    expect(await service.isDeletedUser(id)).toBe(true);
    expect(await t.sql('select count(*)::int as n from demos where owner_id = $1', [id])).toEqual([{ n: 0 }]);
    expect(await t.sql('select count(*)::int as n from shares')).toEqual([{ n: 0 }]);
    expect((await queue().read(queued.runId)).state.status).toBe('cancelled');
    await expect(stat(folder)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(path.join(t.dataDir, 'runs', queued.runId))).rejects.toMatchObject({ code: 'ENOENT' });

    // A replay, a late user.created and a newer user.updated all leave the tombstone as it is.
    const tomb = await row(id);
    const beforeReplay = await snapshot();
    expect((await send(deleted)).body.outcome).toBe('duplicate');
    expect(await snapshot()).toBe(beforeReplay);
    expect((await send(signed('user.created', user(id, 1000, ['Cy', 'Do'], 'cy@example.com')))).body.outcome).toBe('stale');
    expect((await send(signed('user.updated', user(id, 99_000, ['Cy', 'Back'], 'cy@example.com')))).body.outcome).toBe('stale');
    await service.ensureUser(id, { name: 'Cy again' }); // their still-valid session's first request
    expect(await row(id)).toEqual(tomb);
    await expect(service.createDemo(id, { url: 'https://app.example.com/', description: 'x' })).rejects.toMatchObject({
      code: 'SR_FORBIDDEN',
    });
  });

  it('user.deleted for a user never seen leaves a tombstone the late user.created cannot undo', async () => {
    expect((await send(signed('user.deleted', { id: 'user_ghost', object: 'user', deleted: true }))).body.outcome).toBe(
      'applied',
    );
    expect((await send(signed('user.created', user('user_ghost', 1000, ['G', 'H'], 'g@example.com')))).body.outcome).toBe(
      'stale',
    );
    expect(await row('user_ghost')).toMatchObject({ email: null, name: null });
  });
});
