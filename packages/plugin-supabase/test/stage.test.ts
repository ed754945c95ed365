// The storage stage through core's runStage, the real supabase-js and tus-js-client, against the local
// Storage server: what lands in the bucket (bytes, content types, cache headers) and what links come back.
import supabaseStorage from '@showrunner/plugin-supabase';
import { describe, expect, it } from 'vitest';
import { mergedRun, QUICK, rejection, storageServer } from './helpers.js';
import { MERGED } from './plugins.js';

const TYPES: Record<string, string> = {
  'final.mp4': 'video/mp4',
  'captions.vtt': 'text/vtt',
  'captions.srt': 'application/x-subrip',
  'poster.jpg': 'image/jpeg',
  'preview.gif': 'image/gif',
  'final.webm': 'video/webm',
};

describe('supabaseStorage', () => {
  it('uploads every merged file under <owner>/<runId>/ with its content type and cache header, and signs links', async () => {
    const server = await storageServer();
    const storage = supabaseStorage({ url: server.url, serviceKey: server.serviceKey, owner: 'user_42', cacheControl: 600 });
    const run = await mergedRun(storage);
    const out = await run.store();

    for (const [name, bytes] of Object.entries(MERGED)) {
      const stored = server.object('showrunner', `user_42/${run.runId}/${name}`);
      expect(stored, name).toBeDefined();
      expect(stored!.size).toBe(bytes);
      expect(stored!.mimetype).toBe(TYPES[name]);
      expect(stored!.cacheControl).toBe('max-age=600');
      expect(stored!.uploadType).toBe('standard');
    }
    expect(out.files.map((f) => f.role)).toEqual(['video', 'captions', 'subtitles', 'poster', 'gif', 'webm']);
    expect(out.url).toBe(out.files[0]!.url);
    // Every upload asked for upsert; the links are signed URLs that download the exact bytes.
    expect(
      server.requests
        .filter((r) => r.method === 'POST' && r.path.includes('/object/showrunner/'))
        .every((r) => r.headers['x-upsert'] === 'true'),
    ).toBe(true);
    expect(out.url).toMatch(
      new RegExp(`^${server.url}/storage/v1/object/sign/showrunner/user_42/${run.runId}/final\\.mp4\\?token=`),
    );
    const res = await fetch(out.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await res.arrayBuffer()).equals(await run.merged('final.mp4'))).toBe(true);
    const captions = out.files.find((f) => f.role === 'captions')!;
    expect(Buffer.from(await (await fetch(captions.url)).arrayBuffer()).equals(await run.merged('captions.vtt'))).toBe(true);
    expect(run.logs.some((l) => /Stored 6 files in showrunner\/user_42\//.test(l.message))).toBe(true);
  });

  it('a tampered or re-pointed signed URL is refused with Storage’s error body', async () => {
    const server = await storageServer();
    const run = await mergedRun(supabaseStorage({ url: server.url, serviceKey: server.serviceKey }));
    const { url } = await run.store();
    const token = new URL(url).searchParams.get('token')!;
    const [head, body, sig] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), exp: 9e9 })).toString(
      'base64url',
    );
    const flipped = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;

    for (const bad of [`${head}.${forged}.${sig}`, `${head}.${body}.${flipped}`, 'not-a-token']) {
      const res = await fetch(url.replace(token, bad));
      expect(res.status).toBe(400);
      const error = await res.json();
      expect(error).toMatchObject({ statusCode: '400', code: 'InvalidJWT', error: 'InvalidJWT' });
      expect(error.message).toMatch(/invalid signature|jwt malformed/);
    }
    // A valid token for the mp4 does not open the poster.
    const res = await fetch(url.replace('/final.mp4?', '/poster.jpg?'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ statusCode: '400', code: 'InvalidSignature' });
  });

  it('a re-run of the stage replaces the stored files (upsert)', async () => {
    const server = await storageServer();
    const run = await mergedRun(supabaseStorage({ url: server.url, serviceKey: server.serviceKey }));
    await run.store();
    const key = `demos/${run.runId}/final.mp4`;
    const first = server.object('showrunner', key)!;
    await run.store();
    const second = server.object('showrunner', key)!;
    expect(second.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
    expect(second.file).not.toBe(first.file);
    expect(server.objects('showrunner')).toHaveLength(Object.keys(MERGED).length);
  });

  it('returns public URLs when asked, which open without a key', async () => {
    const server = await storageServer({ buckets: { videos: { public: true } } });
    const owner = async (runId: string) => `owner-of-${runId.slice(0, 8)}`;
    const run = await mergedRun(
      supabaseStorage({ url: server.url, serviceKey: server.serviceKey, bucket: 'videos', public: true, owner }),
    );
    const out = await run.store();
    const owned = `owner-of-${run.runId.slice(0, 8)}`;
    expect(out.url).toBe(`${server.url}/storage/v1/object/public/videos/${owned}/${run.runId}/final.mp4`);
    const res = await fetch(out.url, { headers: { range: 'bytes=0-99' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-99/${MERGED['final.mp4']}`);
    expect(res.headers.get('cache-control')).toBe('max-age=3600');
    expect(Buffer.from(await res.arrayBuffer()).equals((await run.merged('final.mp4')).subarray(0, 100))).toBe(true);
    expect(server.requests.some((r) => r.path.startsWith('/storage/v1/object/sign'))).toBe(false);
  });

  it('missing url or key fails with SR_CONFIG_INVALID naming what is missing and the variable', async () => {
    const saved = { url: process.env.SUPABASE_URL, key: process.env.SUPABASE_SERVICE_ROLE_KEY };
    delete process.env.SUPABASE_URL;
    delete process.env.SUPABASE_SERVICE_ROLE_KEY;
    try {
      const noUrl = await rejection((await mergedRun(supabaseStorage({ serviceKey: 'k' }))).store());
      expect(noUrl).toMatchObject({ code: 'SR_CONFIG_INVALID', field: 'url', slot: 'storage' });
      expect(noUrl.message).toContain('SUPABASE_URL');
      const noKey = await rejection((await mergedRun(supabaseStorage({ url: 'http://127.0.0.1:9' }))).store());
      expect(noKey).toMatchObject({ code: 'SR_CONFIG_INVALID', field: 'serviceKey' });
      expect(noKey.message).toContain('SUPABASE_SERVICE_ROLE_KEY');
      const neither = await rejection((await mergedRun(supabaseStorage())).store());
      expect(neither.message).toMatch(/url \(or SUPABASE_URL\) and no serviceKey \(or SUPABASE_SERVICE_ROLE_KEY\)/);
      // From the environment when the options are silent.
      const server = await storageServer();
      process.env.SUPABASE_URL = `${server.url}/`;
      process.env.SUPABASE_SERVICE_ROLE_KEY = server.serviceKey;
      const out = await (await mergedRun(supabaseStorage())).store();
      expect(out.url).toContain(`${server.url}/storage/v1/object/sign/showrunner/demos/`);
    } finally {
      for (const [name, value] of [
        ['SUPABASE_URL', saved.url],
        ['SUPABASE_SERVICE_ROLE_KEY', saved.key],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('bad options fail when the config loads; a bad owner or key when the stage runs', async () => {
    expect(() => supabaseStorage({ bucket: 'no/slash' })).toThrow(
      expect.objectContaining({ code: 'SR_CONFIG_INVALID', field: 'bucket' }),
    );
    expect(() => supabaseStorage({ owner: '../up' })).toThrow(
      expect.objectContaining({ code: 'SR_CONFIG_INVALID', field: 'owner' }),
    );
    expect(() => supabaseStorage({ url: 'file:///etc' })).toThrow(
      expect.objectContaining({ code: 'SR_CONFIG_INVALID', field: 'url' }),
    );
    expect(() => supabaseStorage({ signedUrlExpiresln: 60 } as never)).toThrow(
      expect.objectContaining({ hint: 'Did you mean "signedUrlExpiresIn"?' }),
    );

    const server = await storageServer();
    const badOwner = supabaseStorage({ url: server.url, serviceKey: server.serviceKey, owner: () => 'a/../b' });
    expect(await rejection((await mergedRun(badOwner)).store())).toMatchObject({ code: 'SR_CONFIG_INVALID', field: 'owner' });
    const wrongKey = supabaseStorage({ url: server.url, serviceKey: 'not-the-key', concurrency: 1, ...QUICK });
    const refused = await rejection((await mergedRun(wrongKey)).store());
    expect(refused.code).toBe('SR_STORAGE_FAILED');
    expect(refused.message).toMatch(
      /^Could not upload merge\/1\/final\.mp4 \(showrunner\/demos\/.+\/final\.mp4\): HTTP 401: Invalid API key\.$/,
    );
    expect(refused.hint).toMatch(/serviceKey/);
    const noBucket = supabaseStorage({ url: server.url, serviceKey: server.serviceKey, bucket: 'missing', concurrency: 1 });
    const missing = await rejection((await mergedRun(noBucket)).store());
    expect(missing.message).toMatch(/HTTP 400 \(404\): Bucket not found\.$/);
    expect(missing.hint).toContain('Create the bucket "missing"');
    // Neither was retried: 4xx answers are final.
    expect(server.requests.filter((r) => r.path.includes('/final.mp4') && r.method === 'POST')).toHaveLength(2);
  });
});
