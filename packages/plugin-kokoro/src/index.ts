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
  sharedResource,
  stoppedWaiting,
  type TtsPlugin,
  untilAborted,
  writeSilence,
} from '@showrunner/core';
import { type Engine, loadEngine } from './engine.js';
import { voiceFor } from './languages.js';
import { fingerprintOf, type KokoroOptions, resolveOptions, weightsFolder } from './options.js';
import { speak } from './speak.js';
import { cleanText } from './text.js';
import { checkVoice, PLUGIN_NAME } from './voices.js';

export { BRITISH_VOICE, KOKORO_LANGUAGES } from './languages.js';
export { DEFAULT_MODEL, DTYPES, type Dtype, type KokoroOptions } from './options.js';
export { DEFAULT_VOICE, KOKORO_VOICES } from './voices.js';
export { kokoroWeightsAvailable, requiredFiles } from './weights.js';

const WHERE = { stage: 'tts', plugin: PLUGIN_NAME } as const;

/**
 * The Kokoro tts plugin. Options are checked here, so a bad one fails when the config loads
 * (SR_CONFIG_INVALID, or SR_TTS_VOICE_UNKNOWN for the voice). Nothing heavy happens until the first
 * clip: core calls `run` once per narration line missing from its clip cache, serially per run, and
 * several runs may call one instance at once (a worker). The model is pooled: the first clip of any
 * run fetches missing weights (if allowed) and loads it, with that run's folder and log; every run
 * shares it; `release(runId)` drops a run's share and the last one frees it; `close()` frees it now.
 */
export default function kokoro(options: KokoroOptions = {}): TtsPlugin {
  const o = resolveOptions(options);
  /** Clips are spoken one at a time per instance, whichever run or narrator (tts stage, recorder) asks. */
  let queue: Promise<unknown> = Promise.resolve();
  const model = sharedResource<Engine>({
    what: 'the Kokoro model',
    where: WHERE,
    async dispose(engine) {
      await queue; // a clip still speaking (its run was cancelled mid-sentence) finishes first
      await engine.tts.model.dispose();
    },
  });

  function load(ctx: StageContext): (signal: AbortSignal) => Promise<Engine> {
    const folder = weightsFolder(o, ctx.root);
    return (signal) => loadEngine(o, folder, path.resolve(ctx.root, o.cacheDir), signal, ctx.log);
  }

  /** Run `job` after the clips queued before it; the caller stops waiting when its run is cancelled. */
  function inTurn<R>(signal: AbortSignal, job: () => Promise<R>): Promise<R> {
    const turn = queue.then(() => {
      signal.throwIfAborted(); // cancelled while queued: never started
      return job();
    });
    queue = turn.catch(() => undefined);
    return untilAborted(turn, signal, () => stoppedWaiting('its turn to speak', WHERE, 'cancelled', signal.reason));
  }

  async function synthesize({ text, voice, language, file }: SpeechInput, ctx: StageContext): Promise<SpeechOutput> {
    const speaker = voiceFor({ voice, language }, o.voice);
    if (speaker !== (voice ?? o.voice)) ctx.log.debug(`voice "${speaker}" for language "${language}"`);
    checkVoice(speaker, { field: voice === undefined ? 'voice' : 'demo.voice' });
    const clean = cleanText(text);
    if (clean.dropped.length) ctx.log.warn(`Left out characters Kokoro cannot speak: ${clean.dropped.join(' ')}`);
    if (!clean.text) {
      const wav = await writeSilence(file, SILENT_CLIP_MS, 24_000);
      return { sampleRate: wav.sampleRate, durationMs: wav.durationMs };
    }
    const engine = await model.acquire(ctx.runId, ctx.signal, load(ctx));
    checkVoice(speaker, { field: 'voice' }, Object.keys(engine.tts.voices));
    return inTurn(ctx.signal, async () => {
      const { samples, sampleRate } = await speak(engine, clean.text, {
        voice: speaker,
        speed: o.speed,
        signal: ctx.signal,
        log: ctx.log,
      });
      await writeFile(file, encodeWav(samples, sampleRate));
      return { sampleRate, durationMs: (samples.length / sampleRate) * 1000 };
    });
  }

  return definePlugin({
    name: PLUGIN_NAME,
    stage: 'tts',
    fingerprint: fingerprintOf(o),
    run: synthesize,
    release: (runId) => model.release(runId),
    close: () => model.close(),
  });
}
