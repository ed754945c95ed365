// kokoro-js's real path (from_pretrained → phonemizer → tokenizer → onnxruntime-node → RawAudio) run by
// the plugin on the stand-in model, with fetch disabled: clip length follows the token count and speed.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readWavInfo, type StageContext, type TtsPlugin } from '@showrunner/core';
import kokoro from '@showrunner/plugin-kokoro';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forbidNetwork, type LogLines, phonemizerListeners, removeTempDirs, tempDir, testContext } from './helpers/context.js';
import { type Oracle, oracle } from './helpers/oracle.js';
import { buildKokoroStandin, SAMPLE_RATE, SAMPLES_PER_TOKEN } from './helpers/standin.js';

const SENTENCE = 'Click Deploy, and your app is live.';
let root: string;
let folder: string;
let ctx: StageContext;
const logs: LogLines = [];
let plugin: TtsPlugin;
let net: ReturnType<typeof forbidNetwork>;
let listeners: { before: number[]; after: number[]; imported: boolean };
let expected: Oracle;

const events = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
const samplesOf = async (file: string) => (await readWavInfo(file)).frames;

beforeAll(async () => {
  net = forbidNetwork();
  root = await tempDir();
  folder = path.join(root, 'weights');
  buildKokoroStandin(folder);
  ctx = await testContext(root, logs);
  plugin = kokoro({ modelDir: 'weights', allowDownload: false });
  // The first run imports kokoro-js (and its phonemizer) in this process: nothing imported it before.
  const before = events();
  const imported = phonemizerListeners().length > 0;
  await plugin.run({ text: SENTENCE, file: path.join(ctx.dir, 'first.wav') }, ctx);
  listeners = { before, after: events(), imported };
  expected = await oracle(folder);
});
afterAll(async () => {
  await plugin.close?.();
  await removeTempDirs();
  net.restore();
});

describe('kokoro on the stand-in model, offline', () => {
  it('writes a 16-bit mono 24 kHz WAV whose length is the token count × 1800 samples', async () => {
    const file = path.join(ctx.dir, 'a.wav');
    const out = await plugin.run({ text: SENTENCE, file }, ctx);
    const wav = await readWavInfo(file);
    expect(wav).toMatchObject({ sampleRate: SAMPLE_RATE, channels: 1, bitsPerSample: 16 });
    const [tokens] = await expected.tokens(SENTENCE);
    expect(tokens).toBeGreaterThan(20);
    expect(wav.frames).toBe(tokens! * SAMPLES_PER_TOKEN);
    expect(out).toEqual({ sampleRate: SAMPLE_RATE, durationMs: (wav.frames / SAMPLE_RATE) * 1000 });
    // plain PCM header, not kokoro-js's float32 WAV (format 3)
    expect((await readFile(file)).readUInt16LE(20)).toBe(1);
  });

  it('grows with the text: one more word, more tokens', async () => {
    const short = await plugin.run({ text: 'Click Deploy.', file: path.join(ctx.dir, 's.wav') }, ctx);
    const long = await plugin.run({ text: 'Click Deploy now.', file: path.join(ctx.dir, 'l.wav') }, ctx);
    expect(long.durationMs).toBeGreaterThan(short.durationMs);
    expect(await samplesOf(path.join(ctx.dir, 'l.wav'))).toBe(await expected.samples('Click Deploy now.'));
  });

  it('speed 2 halves the clip and speed 0.5 doubles it', async () => {
    const at = (speed: number) => kokoro({ modelDir: 'weights', allowDownload: false, speed });
    const normal = await plugin.run({ text: SENTENCE, file: path.join(ctx.dir, 'n.wav') }, ctx);
    const fast = at(2);
    const slow = at(0.5);
    const f = await fast.run({ text: SENTENCE, file: path.join(ctx.dir, 'f.wav') }, ctx);
    const s = await slow.run({ text: SENTENCE, file: path.join(ctx.dir, 'sl.wav') }, ctx);
    expect(f.durationMs).toBe(normal.durationMs / 2);
    expect(s.durationMs).toBe(normal.durationMs * 2);
    await Promise.all([fast.close?.(), slow.close?.()]);
  });

  it("uses the demo's voice over the option, and the voice changes the audio", async () => {
    const heart = path.join(ctx.dir, 'heart.wav');
    const michael = path.join(ctx.dir, 'michael.wav');
    await plugin.run({ text: SENTENCE, file: heart }, ctx);
    await plugin.run({ text: SENTENCE, voice: 'am_michael', file: michael }, ctx);
    const [a, b] = [await readFile(heart), await readFile(michael)];
    expect(a.length).toBe(b.length); // same tokens…
    expect(a.equals(b)).toBe(false); // …but another style vector (the stand-in's loudness follows it)
  });

  it('loads the model once and keeps it; release of the run frees it and a later run loads it again', async () => {
    const own: LogLines = [];
    const c = await testContext(root, own);
    const p = kokoro({ modelDir: 'weights', allowDownload: false });
    for (const text of ['One.', 'Two.', 'Three.']) await p.run({ text, file: path.join(c.dir, 'x.wav') }, c);
    expect(own.filter((l) => l.startsWith('debug: Loaded Kokoro'))).toHaveLength(1);
    await p.release?.(c.runId);
    await p.run({ text: 'Four.', file: path.join(c.dir, 'x.wav') }, c);
    expect(own.filter((l) => l.startsWith('debug: Loaded Kokoro'))).toHaveLength(2);
    await p.close?.(); // the host's shutdown frees it too
    await p.run({ text: 'Five.', file: path.join(c.dir, 'x.wav') }, c);
    expect(own.filter((l) => l.startsWith('debug: Loaded Kokoro'))).toHaveLength(3);
    await p.close?.();
  });

  it('takes concurrent asks one at a time, each getting its own clip', async () => {
    const [x, y] = [path.join(ctx.dir, 'x.wav'), path.join(ctx.dir, 'y.wav')];
    await Promise.all([plugin.run({ text: 'One.', file: x }, ctx), plugin.run({ text: 'Three words here.', file: y }, ctx)]);
    expect(await samplesOf(x)).toBe(await expected.samples('One.'));
    expect(await samplesOf(y)).toBe(await expected.samples('Three words here.'));
  });

  it('stops when the run is cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    const cancelled = await testContext(root, [], abort.signal);
    await expect(plugin.run({ text: SENTENCE, file: path.join(ctx.dir, 'c.wav') }, cancelled)).rejects.toMatchObject({
      code: 'SR_ABORTED',
      plugin: '@showrunner/plugin-kokoro',
    });
  });

  it('explains a voice file kokoro-js cannot find (a global __dirname, as under node -e, misleads it)', async () => {
    const g = globalThis as { __dirname?: string };
    g.__dirname = path.join(root, 'nowhere');
    try {
      // bm_fable: a voice no other test used, so kokoro-js has not cached its data yet
      const err = await plugin.run({ text: SENTENCE, voice: 'bm_fable', file: path.join(ctx.dir, 'v.wav') }, ctx).catch((e) => e);
      expect(err).toMatchObject({ code: 'SR_TTS_FAILED', file: path.join(root, 'voices', 'bm_fable.bin') });
      expect(err.hint).toMatch(/global __dirname/);
    } finally {
      delete g.__dirname;
    }
    await plugin.run({ text: SENTENCE, voice: 'bm_fable', file: path.join(ctx.dir, 'v.wav') }, ctx);
  });

  it("removes the phonemizer's process-wide error listeners that the plugin's import of kokoro-js added", () => {
    expect(listeners.imported).toBe(false); // nothing in this file imported kokoro-js before the plugin
    expect(listeners.after).toEqual(listeners.before);
    expect(phonemizerListeners()).toEqual([]);
  });

  it('never touched the network', () => {
    expect(net.calls).toEqual([]);
  });
});
