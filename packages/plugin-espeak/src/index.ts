/**
 * @showrunner/plugin-espeak: the offline default voice. eSpeak NG compiled to WASM, so it needs no
 * system package, no model download and no network. Robotic but intelligible, with word timings.
 */
import { definePlugin, type Logger, sharedResource, type TtsPlugin } from '@showrunner/core';
import { ENGINE_VERSION, Engine } from './engine.js';
import { type EspeakOptions, PLUGIN_NAME, resolveOptions, type Settings } from './options.js';
import { speak } from './speak.js';
import type { VoiceCatalog } from './voices.js';

export { languageVoice } from './languages.js';
export type { EspeakOptions } from './options.js';
export type { VoiceCatalog, VoiceInfo } from './voices.js';

/** Bump when text preparation changes what is spoken, so cached clips are made again. */
const TEXT_VERSION = 1;

/**
 * The `tts` slot plugin: `tts: espeak({ voice: 'en-gb', speed: 1.1 })`. Options are checked here,
 * when the config loads. The WASM engine (about 24 MB of voice data) is pooled: it loads on the first
 * clip of any run, every run of the process shares it (core calls `run` serially per run, and a
 * clip's synthesis is synchronous, so runs never interleave inside it), `release(runId)` drops a run's
 * share and the last one lets it go; `close()` lets it go now.
 */
export default function espeak(options: EspeakOptions = {}): TtsPlugin {
  const settings = resolveOptions(options);
  const engine = sharedResource<Engine>({
    what: 'the eSpeak NG engine',
    where: { stage: 'tts', plugin: PLUGIN_NAME },
    dispose: () => {}, // nothing to free by hand: the module's memory goes with its last reference
  });
  const load = (log: Logger) => async () => {
    const started = performance.now();
    const loaded = await Engine.load(); // a fraction of a second, so not worth aborting
    log.debug(`Loaded eSpeak NG in ${Math.round(performance.now() - started)} ms`);
    return loaded;
  };
  return definePlugin({
    name: PLUGIN_NAME,
    stage: 'tts',
    fingerprint: fingerprint(settings),
    run: (input, ctx) => speak(input, ctx, settings, () => engine.acquire(ctx.runId, ctx.signal, load(ctx.log))),
    release: (runId) => engine.release(runId),
    close: () => engine.close(),
  });
}

/** Everything that changes the audio besides the text and a demo's own voice: part of each clip's cache key. */
function fingerprint(settings: Settings): string {
  const { voice, params, emoji } = settings;
  return JSON.stringify({ engine: `espeak-ng-emscripten@${ENGINE_VERSION}`, text: TEXT_VERSION, voice, ...params, emoji });
}

/**
 * The voices and variants of the installed eSpeak NG build, read from the engine (loads a fresh
 * one, about 0.2 s). For `showrunner voices`-style listings and docs.
 */
export async function listVoices(): Promise<VoiceCatalog> {
  return (await Engine.load()).catalog();
}
