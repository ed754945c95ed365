// First run with network: missing weights are fetched once into the cache folder, later runs are
// offline. A local server speaks the Hugging Face "resolve" layout (with a redirect to a CDN path for
// the big file, as the hub does), so the real download path runs without reaching the internet.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ShowrunnerError } from '@showrunner/core';
import kokoro, { kokoroWeightsAvailable } from '@showrunner/plugin-kokoro';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forbidNetwork, type LogLines, removeTempDirs, tempDir, testContext } from './helpers/context.js';
import { buildKokoroStandin } from './helpers/standin.js';

const MODEL = 'onnx-community/Kokoro-82M-v1.0-ONNX';
let source: string;
let server: Server;
let endpoint: string;
const requests: string[] = [];
/**
 * How the server treats onnx/model.onnx: serve it, cut the body short, stall after a few bytes, hold
 * the rest until the test calls `openGate`, or 404.
 */
let onnxMode: 'ok' | 'cut' | 'stall' | 'gate' | '404' = 'ok';
let openGate = () => {};

beforeAll(async () => {
  source = path.join(await tempDir(), 'hub');
  buildKokoroStandin(source, { onnxFiles: ['model.onnx'] });
  server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const resolve = url.match(/^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/);
    if (resolve && resolve[1] === MODEL && resolve[2]!.endsWith('.onnx')) {
      res.writeHead(302, { location: `/cdn/${resolve[2]}` }).end();
      return;
    }
    const file = resolve?.[1] === MODEL ? resolve[2] : url.match(/^\/cdn\/(.+)$/)?.[1];
    const abs = file && path.join(source, file);
    if (!abs || !existsSync(abs) || (file.endsWith('.onnx') && onnxMode === '404')) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    const body = readFileSync(abs);
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    if (file.endsWith('.onnx') && onnxMode === 'gate') {
      const gate = new Promise<void>((resolve) => {
        openGate = resolve;
      });
      res.write(body.subarray(0, 600), () => gate.then(() => res.end(body.subarray(600))));
      return;
    }
    if (file.endsWith('.onnx') && onnxMode !== 'ok') {
      res.write(body.subarray(0, 600), () => onnxMode === 'cut' && res.destroy()); // 'stall': the rest never comes
      return;
    }
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await removeTempDirs();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const files = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

describe('downloading the weights', () => {
  it('fetches the four files once into <cacheDir>/<model>; every later run is offline', async () => {
    const root = await tempDir();
    const logs: LogLines = [];
    const ctx = await testContext(root, logs);
    expect(await kokoroWeightsAvailable({ root, cacheDir: 'models' })).toBe(false);
    requests.length = 0;
    onnxMode = 'ok';

    const online = kokoro({ cacheDir: 'models', endpoint, allowDownload: true });
    const out = await online.run({ text: 'Hello there.', file: path.join(ctx.dir, 'a.wav') }, ctx);
    expect(out.sampleRate).toBe(24_000);
    await online.close?.();
    const folder = path.join(root, 'models', MODEL);
    expect(files(folder)).toEqual(['config.json', 'onnx', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    expect(readFileSync(path.join(folder, 'onnx/model.onnx')).equals(readFileSync(path.join(source, 'onnx/model.onnx')))).toBe(
      true,
    );
    expect(requests).toEqual([
      `/${MODEL}/resolve/main/config.json`,
      `/${MODEL}/resolve/main/tokenizer.json`,
      `/${MODEL}/resolve/main/tokenizer_config.json`,
      `/${MODEL}/resolve/main/onnx/model.onnx`,
      '/cdn/onnx/model.onnx',
    ]);
    expect(logs.some((l) => l.startsWith(`info: Downloading Kokoro weights (fp32) to ${folder}`))).toBe(true);
    expect(await kokoroWeightsAvailable({ root, cacheDir: 'models' })).toBe(true);

    // later runs: nothing requested, even with downloads allowed, and fine with the network gone
    const net = forbidNetwork();
    try {
      for (const allowDownload of [true, false]) {
        const later = kokoro({ cacheDir: 'models', endpoint, allowDownload });
        await later.run({ text: 'Hello again.', file: path.join(ctx.dir, 'b.wav') }, ctx);
        await later.close?.();
      }
    } finally {
      net.restore();
    }
    expect(net.calls).toEqual([]);
    expect(requests).toHaveLength(5);
  });

  it('a download cut short leaves no partial file, fails with SR_TTS_DOWNLOAD_FAILED, and the next run fetches only what is missing', async () => {
    const root = await tempDir();
    const ctx = await testContext(root);
    const folder = path.join(root, 'models', MODEL);
    onnxMode = 'cut';
    // explicit: the default is off under CI, and this test is about the download itself
    const plugin = kokoro({ cacheDir: 'models', endpoint, allowDownload: true });
    const err = await plugin.run({ text: 'Hi.', file: path.join(ctx.dir, 'a.wav') }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShowrunnerError);
    expect(err).toMatchObject({ code: 'SR_TTS_DOWNLOAD_FAILED', file: path.join(folder, 'onnx/model.onnx') });
    expect((err as Error).message).toMatch(
      /^Could not download Kokoro model file onnx\/model\.onnx from http:\/\/127\.0\.0\.1:\d+\//,
    );
    expect(files(folder)).toEqual(['config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);

    onnxMode = 'ok';
    requests.length = 0;
    await plugin.run({ text: 'Hi.', file: path.join(ctx.dir, 'a.wav') }, ctx);
    expect(requests).toEqual([`/${MODEL}/resolve/main/onnx/model.onnx`, '/cdn/onnx/model.onnx']);
    await plugin.close?.();
  });

  it('HTTP errors name the file and URL; HF_ENDPOINT picks the mirror', async () => {
    vi.stubEnv('HF_ENDPOINT', endpoint);
    try {
      const ctx = await testContext(await tempDir());
      onnxMode = '404';
      const err = await kokoro({ cacheDir: 'models', allowDownload: true })
        .run({ text: 'Hi.', file: path.join(ctx.dir, 'a.wav') }, ctx)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'SR_TTS_DOWNLOAD_FAILED' });
      expect((err as Error).message).toBe(
        `Could not download Kokoro model file onnx/model.onnx from ${endpoint}/${MODEL}/resolve/main/onnx/model.onnx: HTTP 404 Not Found.`,
      );
    } finally {
      vi.unstubAllEnvs();
      onnxMode = 'ok';
    }
  });

  it('cancelling the only run waiting stops the download and keeps nothing half-written', async () => {
    const root = await tempDir();
    const abort = new AbortController();
    const ctx = await testContext(root, [], abort.signal);
    onnxMode = 'stall';
    const plugin = kokoro({ cacheDir: 'models', endpoint, allowDownload: true });
    const job = plugin.run({ text: 'Hi.', file: path.join(ctx.dir, 'a.wav') }, ctx);
    const folder = path.join(root, 'models', MODEL);
    await vi.waitFor(() => expect(existsSync(path.join(folder, 'onnx/model.onnx.part'))).toBe(true));
    abort.abort();
    await expect(job).rejects.toMatchObject({ code: 'SR_ABORTED' });
    // no one else waits for the model, so its load (the download) is stopped, not left running
    await vi.waitFor(() => expect(files(folder)).toEqual(['config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json']));
    await plugin.close?.();
    onnxMode = 'ok';
  });

  it('cancelling run A mid-download leaves the download to run B, which waits on the same load', async () => {
    const root = await tempDir();
    const logs: LogLines = [];
    const abort = new AbortController();
    const a = await testContext(root, logs, abort.signal, 'run-a');
    const b = await testContext(root, logs, undefined, 'run-b');
    onnxMode = 'gate';
    requests.length = 0;
    const plugin = kokoro({ cacheDir: 'models', endpoint, allowDownload: true });
    const jobA = plugin.run({ text: 'Hi.', file: path.join(a.dir, 'a.wav') }, a);
    const jobB = plugin.run({ text: 'Hi.', file: path.join(b.dir, 'b.wav') }, b);
    const folder = path.join(root, 'models', MODEL);
    await vi.waitFor(() => expect(existsSync(path.join(folder, 'onnx/model.onnx.part'))).toBe(true));
    abort.abort();
    await expect(jobA).rejects.toMatchObject({ code: 'SR_ABORTED', message: expect.stringContaining('Kokoro model') });
    openGate(); // the rest of the file comes only now: A did not wait for it
    expect((await jobB).sampleRate).toBe(24_000);
    expect(requests.filter((r) => r.endsWith('model.onnx'))).toEqual([
      `/${MODEL}/resolve/main/onnx/model.onnx`,
      '/cdn/onnx/model.onnx',
    ]);
    expect(logs.filter((l) => l.startsWith('debug: Loaded Kokoro'))).toHaveLength(1);
    await plugin.close?.();
    onnxMode = 'ok';
  });
});
