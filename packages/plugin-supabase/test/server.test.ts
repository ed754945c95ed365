// The local Storage server answers the real supabase-js (and plain HTTP) as Supabase Storage documents:
// status codes, error bodies, Range, signing, listing, deleting, the gateway's key check and TUS errors.
import { createClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { storageServer } from './helpers.js';
import { signJwt } from './server/wire.js';

async function open(options?: Parameters<typeof storageServer>[0]) {
  const server = await storageServer(options);
  const client = (key = server.serviceKey) =>
    createClient(server.url, key, { auth: { persistSession: false }, realtime: { transport: WebSocket as never } });
  return { server, bucket: client().storage.from('showrunner'), client };
}

describe('local Storage server', () => {
  it('upload, duplicate without upsert, upsert, download with Range, info and exists', async () => {
    const { server, bucket } = await open();
    const data = Buffer.from('0123456789abcdef');
    const first = await bucket.upload('a/b.txt', data, { contentType: 'text/plain', cacheControl: '60' });
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ path: 'a/b.txt', fullPath: 'showrunner/a/b.txt' });
    const dup = await bucket.upload('a/b.txt', data);
    expect(dup.error).toMatchObject({ status: 400, statusCode: '409', message: 'The resource already exists' });
    expect((await bucket.upload('a/b.txt', Buffer.from('new'), { upsert: true })).error).toBeNull();
    expect(server.object('showrunner', 'a/b.txt')?.size).toBe(3);

    await bucket.upload('v.bin', data, { contentType: 'video/mp4' });
    const res = await fetch(`${server.url}/storage/v1/object/showrunner/v.bin`, {
      headers: { apikey: server.serviceKey, authorization: `Bearer ${server.serviceKey}`, range: 'bytes=4-7' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 4-7/16');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(await res.text()).toBe('4567');
    const info = await bucket.info('v.bin');
    expect(info.data).toMatchObject({ size: 16, contentType: 'video/mp4', cacheControl: 'max-age=3600', bucketId: 'showrunner' });
    expect((await bucket.exists('v.bin')).data).toBe(true);
    expect((await bucket.exists('nope.bin')).data).toBe(false);
    const cjk = await bucket.upload('步骤.txt', data);
    expect(cjk.error).toMatchObject({ status: 400, statusCode: '400', message: 'Invalid key: 步骤.txt' });
    const missing = await bucket.download('nope.bin');
    expect(missing.error).toMatchObject({ status: 400, statusCode: '404', message: 'Object not found' });
  });

  it('signs one or many objects; an expired token and a missing object are refused', async () => {
    const { server, bucket } = await open();
    await bucket.upload('x/clip.mp4', Buffer.from('video'), { contentType: 'video/mp4' });
    const one = await bucket.createSignedUrl('x/clip.mp4', 60);
    const res = await fetch(one.data!.signedUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('expires')).toBeTruthy();
    expect(res.headers.get('cache-control')).toBeNull();
    const many = await bucket.createSignedUrls(['x/clip.mp4', 'x/none.mp4'], 60);
    expect(many.data?.map((d) => [d.path, d.error, Boolean(d.signedUrl)])).toEqual([
      ['x/clip.mp4', null, true],
      ['x/none.mp4', 'Either the object does not exist or you do not have access to it', false],
    ]);
    expect((await bucket.createSignedUrl('x/none.mp4', 60)).error).toMatchObject({
      statusCode: '404',
      message: 'Object not found',
    });
    const expired = signJwt({ url: 'showrunner/x/clip.mp4', iat: 1, exp: 2 }, server.jwtSecret);
    const old = await fetch(`${server.url}/storage/v1/object/sign/showrunner/x/clip.mp4?token=${expired}`);
    expect(old.status).toBe(400);
    expect(await old.json()).toEqual({ statusCode: '400', code: 'InvalidJWT', error: 'InvalidJWT', message: 'jwt expired' });
  });

  it('lists one level with folders, pages and sorts; removes exact names', async () => {
    const { bucket } = await open();
    for (const name of ['r/b.txt', 'r/a.txt', 'r/sub/c.txt', 'r/sub/deep/d.txt', 'other.txt'])
      await bucket.upload(name, Buffer.from(name));
    const top = await bucket.list('r');
    expect(top.data?.map((e) => [e.name, e.id === null])).toEqual([
      ['a.txt', false],
      ['b.txt', false],
      ['sub', true],
    ]);
    expect(top.data?.[0]?.metadata).toMatchObject({
      size: 7,
      mimetype: 'text/plain;charset=UTF-8',
      cacheControl: 'max-age=3600',
    });
    const page = await bucket.list('r', { limit: 1, offset: 1, sortBy: { column: 'name', order: 'desc' } });
    expect(page.data?.map((e) => e.name)).toEqual(['b.txt']);
    expect((await bucket.list('r', { search: 'su' })).data?.map((e) => e.name)).toEqual(['sub']);
    const removed = await bucket.remove(['r/a.txt', 'r/sub', 'missing.txt']);
    expect(removed.data?.map((o) => o.name)).toEqual(['r/a.txt']); // names, not prefixes: the folder stays
    expect((await bucket.list('r/sub')).data?.map((e) => e.name)).toEqual(['c.txt', 'deep']);
  });

  it('the gateway wants the key; Storage wants the bearer; a private bucket has no public URL; unknown buckets 404', async () => {
    const { server, bucket, client } = await open({ buckets: { showrunner: { public: false }, open: { public: true } } });
    await bucket.upload('p.txt', Buffer.from('hi'));
    const wrong = await client('sb_secret_wrong').storage.from('showrunner').upload('q.txt', Buffer.from('x'));
    expect(wrong.error).toMatchObject({ status: 401, message: 'Invalid API key' });
    const bare = await fetch(`${server.url}/storage/v1/object/showrunner/p.txt`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ message: 'No API key found in request' });
    const noBearer = await fetch(`${server.url}/storage/v1/object/showrunner/p.txt`, { headers: { apikey: server.serviceKey } });
    expect(await noBearer.json()).toMatchObject({ statusCode: '403', code: 'AccessDenied', message: 'jwt must be provided' });
    const priv = await fetch(bucket.getPublicUrl('p.txt').data.publicUrl);
    expect(priv.status).toBe(400);
    expect(await priv.json()).toMatchObject({ statusCode: '404', code: 'NoSuchBucket', message: 'Bucket not found' });
    const nowhere = await client().storage.from('nowhere').upload('a.txt', Buffer.from('x'));
    expect(nowhere.error).toMatchObject({ status: 400, statusCode: '404', message: 'Bucket not found' });
  });

  it('is bounded: an object over the limit is refused with EntityTooLarge, standard or resumable', async () => {
    const { server, bucket } = await open({ maxObjectBytes: 1024 });
    const big = await bucket.upload('big.bin', Buffer.alloc(2048));
    expect(big.error).toMatchObject({ statusCode: '413', message: 'The object exceeded the maximum allowed size' });
    expect(server.objects('showrunner')).toHaveLength(0);
    const tus = await fetch(`${server.url}/storage/v1/upload/resumable`, {
      method: 'POST',
      headers: {
        apikey: server.serviceKey,
        authorization: `Bearer ${server.serviceKey}`,
        'tus-resumable': '1.0.0',
        'upload-length': '4096',
      },
    });
    expect([tus.status, await tus.text()]).toEqual([413, 'The object exceeded the maximum allowed size']);
  });

  it('TUS: metadata required, offsets checked, unknown uploads 404, a duplicate without upsert 409', async () => {
    const { server, bucket } = await open();
    const auth = { apikey: server.serviceKey, authorization: `Bearer ${server.serviceKey}`, 'tus-resumable': '1.0.0' };
    const endpoint = `${server.url}/storage/v1/upload/resumable`;
    const meta = (o: Record<string, string>) =>
      Object.entries(o)
        .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
        .join(',');
    const noMeta = await fetch(endpoint, { method: 'POST', headers: { ...auth, 'upload-length': '10' } });
    expect([noMeta.status, await noMeta.text()]).toEqual([400, 'Metadata header is required']);
    const created = await fetch(endpoint, {
      method: 'POST',
      headers: {
        ...auth,
        'upload-length': '10',
        'upload-metadata': meta({ bucketName: 'showrunner', objectName: 't/x.bin', cacheControl: '30' }),
      },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect(Buffer.from(location.split('/').pop()!, 'base64url').toString()).toMatch(/^showrunner\/t\/x\.bin\/[0-9a-f-]{36}$/);
    const patch = (offset: number, body: string, type = 'application/offset+octet-stream') =>
      fetch(location, { method: 'PATCH', headers: { ...auth, 'upload-offset': String(offset), 'content-type': type }, body });
    expect((await patch(3, 'abc')).status).toBe(409);
    expect((await patch(0, 'abc', 'text/plain')).status).toBe(415);
    expect((await patch(0, '01234')).headers.get('upload-offset')).toBe('5');
    const head = await fetch(location, { method: 'HEAD', headers: { apikey: server.serviceKey, 'tus-resumable': '1.0.0' } });
    expect([head.status, head.headers.get('upload-offset'), head.headers.get('upload-length')]).toEqual([200, '5', '10']);
    const last = await patch(5, '56789');
    expect([last.status, last.headers.get('tus-complete')]).toEqual([204, '1']);
    expect(server.object('showrunner', 't/x.bin')).toMatchObject({
      size: 10,
      cacheControl: 'max-age=30',
      uploadType: 'resumable',
    });
    expect((await fetch(location, { method: 'HEAD', headers: { ...auth } })).status).toBe(404);
    const again = await fetch(endpoint, {
      method: 'POST',
      headers: { ...auth, 'upload-length': '10', 'upload-metadata': meta({ bucketName: 'showrunner', objectName: 't/x.bin' }) },
    });
    expect([again.status, await again.text()]).toEqual([409, 'The resource already exists']);
    expect((await bucket.download('t/x.bin')).data?.size).toBe(10);
  });
});
