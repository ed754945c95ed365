/**
 * @showrunner/plugin-kokoro: the quality voice. A tts stage plugin that speaks narration with
 * Kokoro-82M through kokoro-js, on the CPU, offline once the weights are on disk.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  definePlugin,
  encodeWav,
  SILENT_CLIP_MS,
  type SpeechInput,
  type SpeechOutput,
  type StageContext,
  type TtsPlugin,
  writeSilence,
} from '@showrunner/core';
import { type Engine, loadEngine } from './engine.js';
import { fingerprintOf, type KokoroOptions, resolveOptions, weightsFolder } from './options.js';
import { speak } from './speak.js';
import { cleanText } from './text.js';
import { checkVoice, PLUGIN_NAME } from './voices.js';

export { DEFAULT_MODEL, DTYPES, type Dtype, type KokoroOptions } from './options.js';
export { DEFAULT_VOICE, KOKORO_VOICES } from './voices.js';
export { kokoroWeightsAvailable, requiredFiles } from './weights.js';

/**
 * The Kokoro tts plugin. Options are checked here, so a bad one fails when the config loads
 * (SR_CONFIG_INVALID, or SR_TTS_VOICE_UNKNOWN for the voice). Nothing heavy happens until the first
 * clip: core calls `run` once per narration line missing from its clip cache, serially; the first call
 * fetches missing weights (if allowed) and loads the model, later calls reuse it; `close()` frees it.
 */
export default function kokoro(options: KokoroOptions = {}): TtsPlugin {
  const o = resolveOptions(options);
  let engine: Promise<Engine> | undefined;

  function load(ctx: StageContext): Promise<Engine> {
    if (!engine) {
      const folder = weightsFolder(o, ctx.root);
      engine = loadEngine(o, folder, path.resolve(ctx.root, o.cacheDir), ctx.signal, ctx.log);
      engine.catch(() => {
        engine = undefined; // a later run (after the user fixed the folder) tries again
      });
    }
    return engine;
  }

  let queue: Promise<unknown> = Promise.resolve();

  async function synthesize({ text, voice, file }: SpeechInput, ctx: StageContext): Promise<SpeechOutput> {
    const speaker = voice ?? o.voice;
    checkVoice(speaker, { field: voice === undefined ? 'voice' : 'demo.voice' });
    const clean = cleanText(text);
    if (clean.dropped.length) ctx.log.warn(`Left out characters Kokoro cannot speak: ${clean.dropped.join(' ')}`);
    if (!clean.text) {
      const wav = await writeSilence(file, SILENT_CLIP_MS, 24_000);
      return { sampleRate: wav.sampleRate, durationMs: wav.durationMs };
    }
    const loaded = await load(ctx);
    checkVoice(speaker, { field: 'voice' }, Object.keys(loaded.tts.voices));
    const { samples, sampleRate } = await speak(loaded, clean.text, {
      voice: speaker,
      speed: o.speed,
      signal: ctx.signal,
      log: ctx.log,
    });
    await writeFile(file, encodeWav(samples, sampleRate));
    return { sampleRate, durationMs: (samples.length / sampleRate) * 1000 };
  }

  return definePlugin({
    name: PLUGIN_NAME,
    stage: 'tts',
    fingerprint: fingerprintOf(o),

    run(input, ctx) {
      // One clip at a time per instance, even if two narrators (tts stage, recorder) ask at once.
      const job = queue.then(() => synthesize(input, ctx));
      queue = job.catch(() => undefined);
      return job;
    },

    async close() {
      const loading = engine;
      engine = undefined;
      const loaded = await loading?.catch(() => undefined);
      await loaded?.tts.model.dispose();
    },
  });
}
