import type { ESpeakModule, ESpeakNGWorker, RawVoice } from '@echogarden/espeak-ng-emscripten';
import { ShowrunnerError } from '@showrunner/core';
import type { VoiceCatalog } from './voices.js';

/** Version of @echogarden/espeak-ng-emscripten this plugin was built and tested against (part of the cache key). */
export const ENGINE_VERSION = '0.3.5';

/** Where eSpeak NG keeps its voice variants inside the module's virtual file system. */
const VARIANTS_DIR = '/usr/share/espeak-ng-data/voices/!v';

/** Synthesis parameters that are not the voice; all are set before every call. */
export interface EngineParams {
  /** Words per minute. */
  rate: number;
  pitch: number;
  range: number;
  volume: number;
}

/** A word or clause boundary reported by eSpeak NG while it synthesized. */
export interface EngineEvent {
  type: 'word' | 'end';
  /** 1-based code point position in the text given to `synthesize`. */
  textPosition: number;
  /** Length in code points (words only). */
  length: number;
  /** Milliseconds from the start of the audio. */
  audioMs: number;
}

/** Receives lines the WASM module prints (it rarely does); the plugin routes them to `ctx.log.debug`. */
export type EnginePrint = (line: string) => void;

/**
 * eSpeak NG compiled to WASM (@echogarden/espeak-ng-emscripten), loaded once and reused. The plugin
 * creates it lazily on its first clip; every method is synchronous and must be called serially,
 * because eSpeak NG keeps global state (core calls a tts plugin serially).
 */
export class Engine {
  readonly sampleRate: number;
  private readonly module: ESpeakModule;
  private readonly worker: ESpeakNGWorker;
  private readonly rawVoices: RawVoice[];
  private currentVoice?: string;
  private catalogCache?: VoiceCatalog;
  /** Set by the plugin before each clip, so module output lands in that clip's stage log. */
  onPrint: EnginePrint = () => {};

  private constructor(module: ESpeakModule) {
    this.module = module;
    this.worker = new module.eSpeakNGWorker();
    this.sampleRate = this.worker.samplerate;
    this.rawVoices = this.worker.list_voices();
  }

  /** Import and instantiate the module (about 0.1–0.3 s, 24 MB of voice data read from disk). */
  static async load(): Promise<Engine> {
    try {
      const { default: init } = await import('@echogarden/espeak-ng-emscripten');
      let engine: Engine | undefined;
      const print = (line: string) => engine?.onPrint(line);
      engine = new Engine(await init({ print, printErr: print }));
      return engine;
    } catch (err) {
      throw new ShowrunnerError('SR_TTS_MODEL_MISSING', `eSpeak NG could not be loaded: ${(err as Error).message ?? err}`, {
        cause: err,
        hint: 'Reinstall it: npm install @echogarden/espeak-ng-emscripten@0.3.5 (it ships espeak-ng.js and espeak-ng.data).',
      });
    }
  }

  /** The voices and variants this build offers, read from the engine itself. */
  catalog(): VoiceCatalog {
    this.catalogCache ??= {
      voices: this.rawVoices.map((v) => ({ id: v.identifier, name: v.name, languages: v.languages.map((l) => l.name) })),
      variants: this.module.FS.readdir(VARIANTS_DIR)
        .filter((f) => f !== '.' && f !== '..')
        .sort((a, b) => a.localeCompare(b)),
    };
    return this.catalogCache;
  }

  /**
   * Select a voice (a checked `name[+variant]`); a no-op when it is already selected. Always by
   * voice file: `espeak_SetVoiceByName` rejects some language codes (`en-gb`, `zh`) and only a
   * name keeps the variant, so a language code becomes the file eSpeak NG ranks first for it.
   */
  useVoice(voice: string): void {
    if (voice === this.currentVoice) return;
    const [base = '', variant] = voice.split('+');
    const file = this.voiceFile(base.toLowerCase());
    const code = file === undefined ? -1 : this.worker.set_voice(variant ? `${file}+${variant}` : file);
    if (code !== 0) {
      throw new ShowrunnerError('SR_TTS_VOICE_UNKNOWN', `eSpeak NG could not select voice "${voice}" (error ${code}).`, {
        hint: 'Pick a voice from listVoices() of @showrunner/plugin-espeak.',
      });
    }
    this.currentVoice = voice;
  }

  /** The voice file for an identifier or a language code (lowest priority number wins, like eSpeak NG). */
  private voiceFile(key: string): string | undefined {
    const byId = this.rawVoices.find((v) => v.identifier.toLowerCase() === key);
    if (byId) return byId.identifier;
    let best: { file: string; priority: number } | undefined;
    for (const v of this.rawVoices) {
      const lang = v.languages.find((l) => l.name.toLowerCase() === key);
      if (lang && (!best || lang.priority < best.priority)) best = { file: v.identifier, priority: lang.priority };
    }
    return best?.file;
  }

  /** Synthesize `text` (SSML-escaped by the caller) with the selected voice. Blocks until done. */
  synthesize(text: string, params: EngineParams): { samples: Int16Array; events: EngineEvent[] } {
    Object.assign(this.worker, params); // accessors: each assignment calls set_rate, set_pitch, ...
    const chunks: Int16Array[] = [];
    const events: EngineEvent[] = [];
    this.worker.synthesize(text, (samples, raw) => {
      if (samples?.length) chunks.push(samples);
      for (const e of raw) {
        if (e.type === 'word' || e.type === 'end') {
          events.push({ type: e.type, textPosition: e.text_position, length: e.word_length, audioMs: e.audio_position });
        }
      }
      return false; // keep going
    });
    const samples = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      samples.set(chunk, at);
      at += chunk.length;
    }
    return { samples, events };
  }

  /** IPA phonemes of `text` in the selected voice, with `_` between phonemes and spaces between words. */
  phonemes(text: string): string {
    const { ptr } = this.worker.text_to_phonemes(text, 1);
    try {
      const heap = this.module.HEAPU8;
      let end = ptr;
      while (heap[end] !== 0) end++;
      return new TextDecoder().decode(heap.subarray(ptr, end));
    } finally {
      this.module._free(ptr);
    }
  }
}
