// Large files go through Supabase's resumable (TUS) endpoint with the real tus-js-client: 6 MiB chunks,
// resumed from the server's offset after a failure, never re-sent.
import supabaseStorage from '@showrunner/plugin-supabase';
import { describe, expect, it } from 'vitest';
import { mergedRun, QUICK, rejection, storageServer } from './helpers.js';

const MiB = 1024 * 1024;
const SIZE = 20 * MiB;
const sizes = { 'final.mp4': SIZE, 'captions.vtt': 300 };

describe('resumable uploads', () => {
  it('sends a 20 MB video as a TUS upload in 6 MiB chunks, stored byte-identical with its type and cache', async () => {
    const server = await storageServer();
    const run = await mergedRun(supabaseStorage({ url: server.url, serviceKey: server.serviceKey }), sizes);
    const out = await run.store();

    const stored = server.object('showrunner', `demos/${run.runId}/final.mp4`)!;
    expect(stored).toMatchObject({ size: SIZE, mimetype: 'video/mp4', cacheControl: 'max-age=3600', uploadType: 'resumable' });
    expect(server.object('showrunner', `demos/${run.runId}/captions.vtt`)?.uploadType).toBe('standard');
    expect(server.tus.chunks.map((c) => [c.method, c.offset, c.bytes])).toEqual([
      ['POST', 0, 6 * MiB],
      ['PATCH', 6 * MiB, 6 * MiB],
      ['PATCH', 12 * MiB, 6 * MiB],
      ['PATCH', 18 * MiB, 2 * MiB],
    ]);
    const creation = server.requests.find((r) => r.method === 'POST' && r.path === '/storage/v1/upload/resumable')!;
    expect(creation.headers['x-upsert']).toBe('true');
    const body = Buffer.from(await (await fetch(out.url)).arrayBuffer());
    expect(body.equals(await run.merged('final.mp4'))).toBe(true);
  });

  it('resumes from the server’s offset after a 503 and a dropped connection, without re-sending stored chunks', async () => {
    const server = await storageServer();
    const run = await mergedRun(supabaseStorage({ url: server.url, serviceKey: server.serviceKey, ...QUICK }), sizes);
    server.fail(1, { status: 503 }, (r) => r.method === 'PATCH');
    server.fail(1, { reset: true }, (r) => r.method === 'PATCH' && r.headers['upload-offset'] === String(12 * MiB));
    await run.store();

    const tus = server.requests.filter((r) => r.path.startsWith('/storage/v1/upload/resumable'));
    expect(tus.map((r) => [r.method, r.headers['upload-offset'], r.status].filter((x) => x !== undefined).join(' '))).toEqual([
      'POST 201',
      `PATCH ${6 * MiB} 503`,
      'HEAD 200', // resume: ask the server where it is
      `PATCH ${6 * MiB} 204`,
      `PATCH ${12 * MiB} 0`, // connection dropped
      'HEAD 200',
      `PATCH ${12 * MiB} 204`,
      `PATCH ${18 * MiB} 204`,
    ]);
    expect(server.tus.chunks.reduce((sum, c) => sum + c.bytes, 0)).toBe(SIZE); // each byte stored once
    const stored = server.object('showrunner', `demos/${run.runId}/final.mp4`)!;
    const res = await fetch(`${server.url}/storage/v1/object/showrunner/${stored.name}`, {
      headers: { apikey: server.serviceKey, authorization: `Bearer ${server.serviceKey}` },
    });
    expect(Buffer.from(await res.arrayBuffer()).equals(await run.merged('final.mp4'))).toBe(true);
  });

  it('a chunk the server never acknowledges is abandoned after requestTimeoutMs and resumed', async () => {
    const server = await storageServer();
    const run = await mergedRun(
      supabaseStorage({ url: server.url, serviceKey: server.serviceKey, requestTimeoutMs: 500, ...QUICK }),
      sizes,
    );
    server.fail(1, { hang: true }, (r) => r.method === 'PATCH' && r.headers['upload-offset'] === String(12 * MiB));
    await run.store();
    expect(server.tus.chunks.reduce((sum, c) => sum + c.bytes, 0)).toBe(SIZE);
    expect(server.requests.filter((r) => r.method === 'HEAD')).toHaveLength(1);
  });

  it('a refused key on the resumable endpoint is a coded failure with the gateway’s message, not retried', async () => {
    const server = await storageServer();
    const run = await mergedRun(supabaseStorage({ url: server.url, serviceKey: 'wrong', concurrency: 1, ...QUICK }), sizes);
    const error = await rejection(run.store());
    expect(error.code).toBe('SR_STORAGE_FAILED');
    expect(error.message).toMatch(
      /^Could not upload merge\/1\/final\.mp4 \(showrunner\/demos\/.+\/final\.mp4\): HTTP 401: Invalid API key\.$/,
    );
    expect(server.requests.filter((r) => r.path === '/storage/v1/upload/resumable')).toHaveLength(1);
  });
});
