// The hosted pipeline with Supabase configured (SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY), against the
// local Storage server that speaks Supabase's REST subset: run files travel through the bucket, the
// finished files are published with signed URLs, openFile answers with a redirect to them, a share
// link works, and deleting the demo removes its objects. The worker runs the hosted config with core's
// test plugins in the voice, recorder and merge slots (no browser or ffmpeg needed here).
import { resolveConfig, type UserConfig } from '@showrunner/core';
import { startWorkers, type Workers } from '@showrunner/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder } from '../../../packages/core/test/plugins';
import { type StorageServer, startStorageServer } from '../../../packages/plugin-supabase/test/storage-server';
import hosted from '../showrunner.config';
import { queue } from '../src/pipeline/queue';
import * as service from '../src/pipeline/service';
import { linkExpired } from '../src/pipeline/share-service';
import { statusHook } from '../src/pipeline/status-hook';
import { eventually, hostedTestEnv } from './helpers';

let storage: StorageServer;
let t: Awaited<ReturnType<typeof hostedTestEnv>>;
let workers: Workers;
beforeAll(async () => {
  storage = await startStorageServer();
  t = await hostedTestEnv({ SUPABASE_URL: storage.url, SUPABASE_SERVICE_ROLE_KEY: storage.serviceKey });
  const user: UserConfig = await hosted();
  const config = await resolveConfig(
    { ...user, tts: humTts(), record: paperRecorder(), merge: listMerge(), plugins: [statusHook()] },
    { root: t.dataDir },
  );
  workers = await startWorkers(queue(), config, { log: () => {} });
});
afterAll(async () => {
  await workers?.close(true);
  await t?.stop();
  await storage?.close();
  delete process.env.SUPABASE_URL;
  delete process.env.SUPABASE_SERVICE_ROLE_KEY;
});

const USER = 'user_cloud';

describe('with Supabase Storage', () => {
  it('publishes to the bucket, redirects to the signed URL, shares it, and deleting the demo removes its objects', async () => {
    const description = ['Title: Cloud demo', 'go to /', 'click "Start" — Start here.'].join('\n');
    const { id, runId } = await service.createDemo(USER, { url: 'http://localhost:9/', description });
    await eventually(async () => (await service.getDemo(USER, id)).status === 'awaiting_review', 30_000, 'review');
    await service.confirm(USER, id);
    const done = await eventually(async () => {
      const view = await service.getDemo(USER, id);
      return ['done', 'failed'].includes(view.status) ? view : undefined;
    });
    expect(done.status).toBe('done');

    const names = storage.objects('showrunner').map((o) => o.name);
    expect(names).toContain(`demos/${runId}/final.mp4`);
    expect(names.some((n) => n.startsWith(`runs/${runId}/record/`))).toBe(true);

    const answer = await service.openFile(USER, id, 'video');
    if (!('redirect' in answer)) throw new Error('expected a redirect to the signed URL');
    expect(answer.redirect).toContain(`/object/sign/showrunner/demos/${runId}/final.mp4?token=`);
    const bytes = await (await fetch(answer.redirect)).text();
    expect(bytes.split('\n').map((l) => l.split(' ')[0])).toEqual(['s1', 's2']);
    expect(linkExpired(answer.redirect)).toBe(false);
    expect(linkExpired(answer.redirect, Date.now() + 8 * 24 * 3600_000)).toBe(true); // signed for 7 days

    const link = await service.createShare(USER, id);
    expect(await service.sharedVideo(link.token)).toMatchObject({ state: 'ok', title: 'Cloud demo' });
    expect(await service.openFile({ share: link.token }, undefined, 'video')).toEqual({ redirect: answer.redirect });

    await service.deleteDemo(USER, id);
    const left = storage.objects('showrunner').map((o) => o.name);
    expect(left.filter((n) => n.startsWith(`demos/${runId}/`) || n.startsWith(`runs/${runId}/`))).toEqual([]);
  });
});
