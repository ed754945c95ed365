// supabaseFiles, the RunFiles on a bucket: push a run folder, pull it on "another machine", skip what
// is already there, remove a run; hostile paths refused. Real supabase-js and tus-js-client.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { supabaseFiles } from '@showrunner/plugin-supabase';
import { describe, expect, it } from 'vitest';
import { put, QUICK, rejection, storageServer, tempDir } from './helpers.js';

const RUN = 'r-20261202-abc';
const KB = 1024;

/** A run folder as workers leave it: attempts, nested folders, JSON next to media. */
async function runFolder() {
  const dir = await tempDir();
  const files: Record<string, Buffer> = {};
  const add = async (rel: string, bytes: number) => {
    files[rel] = await put(dir, rel, bytes);
  };
  await add('tts/1/s1.wav', 30 * KB);
  await add('tts/1/s2.wav', 12 * KB);
  await add('record/1/frame-0.jpg', 9 * KB);
  await add('record/2/frame-0.jpg', 11 * KB);
  await add('record/2/frame-1.jpg', 7 * KB);
  await add('record/2/shots/failure-s2.png', 5 * KB);
  await add('merge/1/final.mp4', 700 * KB); // above the threshold below: resumable
  await add('merge/1/output.json', 200);
  return { dir, files };
}

/** Every file under `dir`, run-relative. */
async function listLocal(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  }
  return out.sort();
}

describe('supabaseFiles', () => {
  it('pushes a run folder (nested attempts) and pulls it byte-identical into an empty folder on another machine', async () => {
    const server = await storageServer();
    const files = supabaseFiles({ url: server.url, serviceKey: server.serviceKey, resumableThresholdBytes: 256 * KB });
    const a = await runFolder();
    await files.push(RUN, ['tts/1', 'record', 'merge/1'], a.dir);

    const keys = server
      .objects('showrunner')
      .map((o) => o.name)
      .sort();
    expect(keys).toEqual(
      Object.keys(a.files)
        .map((rel) => `runs/${RUN}/${rel}`)
        .sort(),
    );
    expect(server.object('showrunner', `runs/${RUN}/merge/1/final.mp4`)).toMatchObject({
      uploadType: 'resumable',
      mimetype: 'video/mp4',
    });
    expect(server.object('showrunner', `runs/${RUN}/tts/1/s1.wav`)).toMatchObject({
      uploadType: 'standard',
      mimetype: 'audio/wav',
    });
    expect(server.object('showrunner', `runs/${RUN}/merge/1/output.json`)?.mimetype).toBe('application/json');

    const b = await tempDir();
    await files.pull(RUN, Object.keys(a.files), b);
    expect(await listLocal(b)).toEqual(Object.keys(a.files).sort());
    for (const [rel, data] of Object.entries(a.files)) expect((await readFile(path.join(b, rel))).equals(data), rel).toBe(true);
    // A fresh machine lists nothing: it only downloads.
    expect(server.requests.filter((r) => r.path.startsWith('/storage/v1/object/list/'))).toHaveLength(0);
  });

  it('pull downloads only what is missing or of another size', async () => {
    const server = await storageServer();
    const files = supabaseFiles({ url: server.url, serviceKey: server.serviceKey });
    const a = await runFolder();
    await files.push(RUN, ['tts', 'record', 'merge'], a.dir);
    const b = await tempDir();
    const all = Object.keys(a.files);
    await files.pull(RUN, all, b);
    const downloads = () =>
      server.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/storage/v1/object/showrunner/runs/${RUN}/`));
    expect(downloads()).toHaveLength(all.length);

    await files.pull(RUN, all, b);
    expect(downloads()).toHaveLength(all.length); // nothing again
    await writeFile(path.join(b, 'record/2/frame-1.jpg'), 'truncated');
    await writeFile(path.join(b, 'tts/1/s2.wav'), Buffer.alloc(12 * KB)); // same size: kept, as dirFiles does
    await files.pull(RUN, all, b);
    expect(
      downloads()
        .slice(all.length)
        .map((r) => r.path),
    ).toEqual([`/storage/v1/object/showrunner/runs/${RUN}/record/2/frame-1.jpg`]);
    expect((await readFile(path.join(b, 'record/2/frame-1.jpg'))).equals(a.files['record/2/frame-1.jpg']!)).toBe(true);
    expect(await listLocal(b)).toEqual(all.sort()); // no .part files left behind
  });

  it('remove deletes every object of the run, in batches, and nothing else', async () => {
    const server = await storageServer();
    const files = supabaseFiles({ url: server.url, serviceKey: server.serviceKey, prefix: 'team/runs' });
    const a = await runFolder();
    for (let i = 0; i < 1100; i++) await put(a.dir, `record/3/frame-${String(i).padStart(4, '0')}.jpg`, 16);
    await files.push(RUN, ['tts', 'record', 'merge'], a.dir);
    await files.push('other-run', ['tts'], a.dir);
    expect(server.objects('showrunner')).toHaveLength(8 + 1100 + 2);

    // A second machine with half the frames already pulls the rest, listing the folder page by page.
    const b = await tempDir();
    const frames = Array.from({ length: 1100 }, (_, i) => `record/3/frame-${String(i).padStart(4, '0')}.jpg`);
    for (const rel of frames.slice(0, 550)) await put(b, rel, 16);
    await files.pull(RUN, frames, b);
    const lists = server.requests.filter((r) => r.path === '/storage/v1/object/list/showrunner');
    expect(lists).toHaveLength(2); // 1000 + 100 entries
    expect(server.requests.filter((r) => r.method === 'GET' && r.path.includes('/record/3/'))).toHaveLength(550); // same size: kept

    await files.remove(RUN);
    expect(
      server
        .objects('showrunner')
        .map((o) => o.name)
        .sort(),
    ).toEqual(['team/runs/other-run/tts/1/s1.wav', 'team/runs/other-run/tts/1/s2.wav']);
    expect(server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2); // 1108 keys: 1000 + 108
    await files.remove(RUN); // nothing left: a no-op
  });

  it('names in any script travel as ASCII keys every Storage version accepts, and come back as they were', async () => {
    const server = await storageServer();
    const files = supabaseFiles({ url: server.url, serviceKey: server.serviceKey });
    const a = await tempDir();
    const names = ['tts/1/步骤1.wav', 'tts/1/étape (2).wav', 'tts/1/(28).wav', 'record/1/😀.jpg'];
    const data = await Promise.all(names.map((rel) => put(a, rel, 100)));
    await files.push(RUN, ['tts', 'record'], a);
    expect(
      server
        .objects('showrunner')
        .map((o) => o.name)
        .sort(),
    ).toEqual([
      `runs/${RUN}/record/1/(1f600).jpg`,
      `runs/${RUN}/tts/1/(28)28(29).wav`, // a name that looks escaped is escaped again: no two names share a key
      `runs/${RUN}/tts/1/(6b65)(9aa4)1.wav`,
      `runs/${RUN}/tts/1/(e9)tape(20)(28)2(29).wav`,
    ]);
    const b = await tempDir();
    await files.pull(RUN, names, b);
    for (const [i, rel] of names.entries()) expect((await readFile(path.join(b, rel))).equals(data[i]!), rel).toBe(true);
    await files.pull(RUN, names, b); // sizes are matched by key too: nothing downloaded again
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(names.length);
  });

  it('refuses paths that leave the run folder and bad run ids, before any request (15 hostile cases, 0 get through)', async () => {
    const server = await storageServer();
    const files = supabaseFiles({ url: server.url, serviceKey: server.serviceKey });
    const dir = await tempDir();
    const outside = path.join(path.dirname(dir), `escaped-${path.basename(dir)}`);
    const hostile = ['../escaped', '/etc/passwd', 'a/../../escaped', 'tts/\0x', '..', `../${path.basename(outside)}`];
    let through = 0;
    for (const p of hostile) {
      for (const op of [() => files.pull(RUN, [p], dir), () => files.push(RUN, [p], dir)]) {
        const error = await rejection(op());
        if (error.code !== 'SR_PATH_OUTSIDE') through++;
      }
    }
    for (const runId of ['../other', 'a/b', '']) {
      const error = await rejection(files.pull(runId, ['tts/1/s1.wav'], dir));
      if (error.code !== 'SR_RUN_INVALID') through++;
    }
    expect(through).toBe(0);
    expect(server.requests).toHaveLength(0);
    await expect(stat(outside)).rejects.toThrow();
  });

  it('a file missing from the bucket fails the pull with SR_STORAGE_FAILED naming it; a cancelled pull ends at once', async () => {
    const server = await storageServer();
    const files = supabaseFiles({ url: server.url, serviceKey: server.serviceKey, ...QUICK });
    const dir = await tempDir();
    const error = await rejection(files.pull(RUN, ['record/1/frame-9.jpg'], dir));
    expect(error).toMatchObject({ code: 'SR_STORAGE_FAILED', file: 'record/1/frame-9.jpg' });
    expect(error.message).toBe(
      `Could not download record/1/frame-9.jpg (showrunner/runs/${RUN}/record/1/frame-9.jpg): HTTP 400 (404): Object not found.`,
    );

    const a = await runFolder();
    await files.push(RUN, ['tts'], a.dir);
    server.fail(99, { status: 503 });
    const abort = new AbortController();
    const pulling = rejection(
      supabaseFiles({ url: server.url, serviceKey: server.serviceKey, backoffBaseMs: 60_000 }).pull(
        RUN,
        ['tts/1/s1.wav'],
        dir,
        abort.signal,
      ),
    );
    while (!server.requests.some((r) => r.status === 503)) await new Promise((r) => setTimeout(r, 5));
    const at = Date.now();
    abort.abort();
    expect((await pulling).code).toBe('SR_ABORTED');
    expect(Date.now() - at).toBeLessThan(500);
    expect(await listLocal(dir)).toEqual([]);
  });
});
