// Bad options, unknown voices and missing or corrupt model folders: each a ShowrunnerError with a
// stable code, naming the option or file, with a hint. The model is never downloaded here.
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ShowrunnerError } from '@showrunner/core';
import kokoro, { DEFAULT_VOICE, KOKORO_VOICES, kokoroWeightsAvailable, requiredFiles } from '@showrunner/plugin-kokoro';
import { KokoroTTS } from 'kokoro-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { forbidNetwork, phonemizerListeners, removeTempDirs, tempDir, testContext } from './helpers/context.js';
import { buildKokoroStandin } from './helpers/standin.js';

const MODEL = 'onnx-community/Kokoro-82M-v1.0-ONNX';
let net: ReturnType<typeof forbidNetwork>;

/** The ShowrunnerError `fn` throws (sync or async). */
async function caught(fn: () => unknown): Promise<ShowrunnerError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ShowrunnerError);
    return err as ShowrunnerError;
  }
  throw new Error('expected a ShowrunnerError');
}

/** A fresh root with a stand-in model in `<root>/weights`, and a plugin instance's first run on it. */
async function runOn(setup: (weights: string) => void, options: Parameters<typeof kokoro>[0] = {}) {
  const root = await tempDir();
  const weights = path.join(root, 'weights');
  buildKokoroStandin(weights);
  setup(weights);
  const ctx = await testContext(root);
  const plugin = kokoro({ modelDir: 'weights', allowDownload: false, ...options });
  return { root, weights, ctx, plugin, run: () => plugin.run({ text: 'Hello there.', file: path.join(ctx.dir, 'x.wav') }, ctx) };
}

beforeAll(() => {
  net = forbidNetwork();
});
afterAll(async () => {
  await removeTempDirs();
  net.restore();
  expect(net.calls).toEqual([]);
});

it("removes the phonemizer's process-wide listeners even when kokoro-js was imported before the plugin", async () => {
  expect(phonemizerListeners()).toHaveLength(2); // this file imports kokoro-js itself, first
  await (await runOn(() => {})).run();
  expect(phonemizerListeners()).toHaveLength(0);
});

describe('options', () => {
  it.each([
    [{ dtype: 'int8' }, 'dtype'],
    [{ speed: 5 }, 'speed'],
    [{ model: 'not a model id' }, 'model'],
    [{ endpoint: 'ftp://mirror' }, 'endpoint'],
    [{ allowDownload: 'yes' }, 'allowDownload'],
  ])('%j fails when the config loads with SR_CONFIG_INVALID naming the option', async (options, field) => {
    const err = await caught(() => kokoro(options as never));
    expect(err.code).toBe('SR_CONFIG_INVALID');
    expect(err.plugin).toBe('@showrunner/plugin-kokoro');
    expect(err.field).toBe(field);
    expect(err.message).toContain(field);
  });

  it('rejects unknown option names (strict)', async () => {
    const err = await caught(() => kokoro({ voices: 'af_heart' } as never));
    expect(err.code).toBe('SR_CONFIG_INVALID');
    expect(err.field).toBe('voices');
    expect(err.message).toMatch(/Unrecognized key: "voices"/);
  });

  it('fingerprints everything that changes the audio, and nothing else', () => {
    const base = kokoro().fingerprint;
    for (const changed of [
      { voice: 'am_michael' },
      { speed: 1.25 },
      { dtype: 'q8' as const },
      { model: 'me/kokoro-ft' },
      { modelDir: 'w' },
    ]) {
      expect(kokoro(changed).fingerprint).not.toBe(base);
    }
    expect(kokoro({ cacheDir: '/x', allowDownload: false, endpoint: 'http://mirror.test' }).fingerprint).toBe(base);
    expect(kokoro({ voice: DEFAULT_VOICE, speed: 1, dtype: 'fp32', model: MODEL }).fingerprint).toBe(base);
    // a kokoro-js upgrade changes text normalisation and phonemes: the fingerprint names the installed version
    const installed = path.join(path.dirname(createRequire(import.meta.url).resolve('kokoro-js')), '..', 'package.json');
    expect(base).toContain(`kokoro-js@${JSON.parse(readFileSync(installed, 'utf8')).version}`);
  });
});

describe('voices', () => {
  it("lists exactly kokoro-js's voices", () => {
    const fromKokoro = Object.keys(new KokoroTTS(null as never, null as never).voices);
    expect([...KOKORO_VOICES]).toEqual(fromKokoro);
  });

  it('an unknown voice option fails at config load with SR_TTS_VOICE_UNKNOWN listing the valid ones', async () => {
    const err = await caught(() => kokoro({ voice: 'af_hart' }));
    expect(err.code).toBe('SR_TTS_VOICE_UNKNOWN');
    expect(err.field).toBe('voice');
    for (const v of KOKORO_VOICES) expect(err.message).toContain(v);
    expect(err.hint).toBe('Did you mean "af_heart"?');
    // voice files that ship in kokoro-js but that its generate() rejects
    expect((await caught(() => kokoro({ voice: 'jf_alpha' }))).code).toBe('SR_TTS_VOICE_UNKNOWN');
  });

  it("an unknown demo voice fails the clip with SR_TTS_VOICE_UNKNOWN, before loading anything and without kokoro-js's console.table", async () => {
    const table = vi.spyOn(console, 'table');
    const error = vi.spyOn(console, 'error');
    const { plugin, ctx } = await runOn(() => {});
    const err = await caught(() => plugin.run({ text: 'Hi.', voice: 'en-us', file: path.join(ctx.dir, 'v.wav') }, ctx));
    expect(err.code).toBe('SR_TTS_VOICE_UNKNOWN');
    expect(err.field).toBe('demo.voice');
    expect(err.message).toMatch(/"en-us".*af_heart, af_alloy/);
    // the loaded model still takes a valid demo voice afterwards
    await plugin.run({ text: 'Hi.', voice: 'bf_emma', file: path.join(ctx.dir, 'v.wav') }, ctx);
    expect(table).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    await plugin.close?.();
  });
});

describe('model folder', () => {
  it('missing weights with allowDownload: false → SR_TTS_MODEL_MISSING listing every file, where to put it and how to fetch it', async () => {
    const root = await tempDir();
    const ctx = await testContext(root);
    const plugin = kokoro({ cacheDir: 'models', allowDownload: false });
    const err = await caught(() => plugin.run({ text: 'Hi.', file: path.join(ctx.dir, 'x.wav') }, ctx));
    const folder = path.join(root, 'models', MODEL);
    expect(err.code).toBe('SR_TTS_MODEL_MISSING');
    expect(err.message).toBe(
      `Kokoro weights for dtype fp32 are missing: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx not found in ${folder}, and allowDownload is false.`,
    );
    expect(err.file).toBe(path.join(folder, 'config.json'));
    expect(err.hint).toContain('allowDownload: true');
    expect(err.hint).toContain(
      `for f in config.json tokenizer.json tokenizer_config.json onnx/model.onnx; do curl -fL --create-dirs -o ${folder}/$f https://huggingface.co/${MODEL}/resolve/main/$f; done`,
    );
    expect(err.hint).toContain('@showrunner/plugin-espeak');
  });

  it('names only the ONNX file of the chosen dtype when that is what is missing', async () => {
    const { run, weights } = await runOn((w) => rmSync(path.join(w, 'onnx', 'model_quantized.onnx')), { dtype: 'q8' });
    const err = await caught(run);
    expect(err.code).toBe('SR_TTS_MODEL_MISSING');
    expect(err.message).toMatch(/missing: onnx\/model_quantized\.onnx not found/);
    expect(err.hint).toContain(
      `-o ${path.join(weights, 'onnx/model_quantized.onnx')} https://huggingface.co/${MODEL}/resolve/main/onnx/model_quantized.onnx`,
    );
    expect(requiredFiles('q8')).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx']);
  });

  it('defaults allowDownload to false under CI, so CI never fetches 326 MB by surprise', async () => {
    vi.stubEnv('CI', 'true');
    try {
      const root = await tempDir();
      const ctx = await testContext(root);
      const err = await caught(() => kokoro({ cacheDir: 'models' }).run({ text: 'Hi.', file: path.join(ctx.dir, 'x.wav') }, ctx));
      expect(err.code).toBe('SR_TTS_MODEL_MISSING');
      expect(err.message).toContain('allowDownload is false');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each([
    [
      'config.json',
      (w: string) => writeFileSync(path.join(w, 'config.json'), '{"model_type": '),
      /config\.json .* is corrupt: it is not valid JSON/,
    ],
    [
      'tokenizer.json',
      (w: string) => writeFileSync(path.join(w, 'tokenizer.json'), '<html>rate limited</html>'),
      /tokenizer\.json .* is corrupt: it is not valid JSON/,
    ],
    [
      'tokenizer_config.json',
      (w: string) => rmSync(path.join(w, 'tokenizer_config.json')),
      /missing: tokenizer_config\.json not found/,
    ],
    [
      'an empty onnx/model.onnx',
      (w: string) => truncateSync(path.join(w, 'onnx', 'model.onnx'), 0),
      /onnx\/model\.onnx .* is corrupt: it is empty/,
    ],
    [
      'a truncated onnx/model.onnx',
      (w: string) => truncateSync(path.join(w, 'onnx', 'model.onnx'), 900),
      /onnx\/model\.onnx .* is corrupt: .*Protobuf parsing failed/,
    ],
  ])('%s → SR_TTS_MODEL_MISSING naming the file', async (_name, breakIt, message) => {
    const { run } = await runOn(breakIt);
    const err = await caught(run);
    expect(err.code).toBe('SR_TTS_MODEL_MISSING');
    expect(err.message).toMatch(message);
    expect(err.hint).toMatch(/Delete .* and fetch it again|put the files in/);
  });

  it('a later run succeeds once the folder is fixed (the failed load is not kept)', async () => {
    const { run, weights } = await runOn((w) => truncateSync(path.join(w, 'onnx', 'model.onnx'), 900));
    expect((await caught(run)).code).toBe('SR_TTS_MODEL_MISSING');
    buildKokoroStandin(weights);
    expect((await run()).sampleRate).toBe(24_000);
  });
});

describe('kokoroWeightsAvailable', () => {
  it('tells whether the weights of the configured dtype are on disk, without downloading', async () => {
    const root = await tempDir();
    expect(await kokoroWeightsAvailable({ root, cacheDir: 'models' })).toBe(false);
    buildKokoroStandin(path.join(root, 'models', MODEL), { onnxFiles: ['model.onnx'] });
    expect(await kokoroWeightsAvailable({ root, cacheDir: 'models' })).toBe(true);
    expect(await kokoroWeightsAvailable({ root, cacheDir: path.join(root, 'models') })).toBe(true);
    expect(await kokoroWeightsAvailable({ root, cacheDir: 'models', dtype: 'q8' })).toBe(false);
    buildKokoroStandin(path.join(root, 'mine'));
    expect(await kokoroWeightsAvailable({ root, modelDir: 'mine', dtype: 'q4' })).toBe(true);
    truncateSync(path.join(root, 'mine', 'onnx', 'model_q4.onnx'), 0);
    expect(await kokoroWeightsAvailable({ root, modelDir: 'mine', dtype: 'q4' })).toBe(false);
  });
});
