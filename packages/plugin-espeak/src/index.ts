/**
 * @showrunner/plugin-espeak: the offline default voice. eSpeak NG compiled to WASM, so it needs no
 * system package, no model download and no network. Robotic but intelligible, with word timings.
 */
import { definePlugin, type TtsPlugin } from '@showrunner/core';
import { ENGINE_VERSION, Engine } from './engine.js';
import { type EspeakOptions, PLUGIN_NAME, resolveOptions, type Settings } from './options.js';
import { speak } from './speak.js';
import type { VoiceCatalog } from './voices.js';

export type { EspeakOptions } from './options.js';
export type { VoiceCatalog, VoiceInfo } from './voices.js';

/** Bump when text preparation changes what is spoken, so cached clips are made again. */
const TEXT_VERSION = 1;

/**
 * The `tts` slot plugin: `tts: espeak({ voice: 'en-gb', speed: 1.1 })`. Options are checked here,
 * when the config loads; the WASM engine (about 24 MB of voice data) loads on the first clip and is
 * reused for every later clip of the process until `close()`.
 */
export default function espeak(options: EspeakOptions = {}): TtsPlugin {
  const settings = resolveOptions(options);
  let engine: Promise<Engine> | undefined;
  const getEngine = () =>
    (engine ??= Engine.load().catch((err: unknown) => {
      engine = undefined; // let the next clip try again
      throw err;
    }));
  return definePlugin({
    name: PLUGIN_NAME,
    stage: 'tts',
    fingerprint: fingerprint(settings),
    run: (input, ctx) => speak(input, ctx, settings, getEngine),
    async close() {
      engine = undefined; // the module's memory goes with its last reference
    },
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
