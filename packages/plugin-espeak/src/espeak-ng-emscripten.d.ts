// Types for the parts of @echogarden/espeak-ng-emscripten 0.3.5 this plugin uses. The package ships
// no types; these follow its Emscripten glue (emscripten/espeakng_glue.cpp and post.js in the
// echogarden-project/espeak-ng fork).
declare module '@echogarden/espeak-ng-emscripten' {
  /** One voice from `espeak_ListVoices`: `identifier` is its file (`gmw/en-US`), languages by priority. */
  export interface RawVoice {
    name: string;
    identifier: string;
    languages: { priority: number; name: string }[];
  }

  /** An `espeak_EVENT`. Positions count code points from 1; `audio_position` is ms from the call's start. */
  export interface RawEvent {
    type: 'list_terminated' | 'word' | 'sentence' | 'mark' | 'play' | 'end' | 'msg_terminated' | 'phoneme' | 'samplerate';
    text_position: number;
    word_length: number;
    audio_position: number;
    id?: number | string;
  }

  /** The synthesizer. eSpeak NG keeps global state, so one worker per module instance. */
  export interface ESpeakNGWorker {
    readonly samplerate: number;
    /** Words per minute (80–450). */
    rate: number;
    /** 0–100. */
    pitch: number;
    /** Intonation range, 0–100. */
    range: number;
    /** Amplitude, 0–200. */
    volume: number;
    /** `espeak_SetVoiceByName`; returns 0 on success. Unknown `+variant` suffixes are ignored silently. */
    set_voice(name: string): number;
    list_voices(): RawVoice[];
    /**
     * Synthesizes synchronously with SSML and `[[phoneme]]` input enabled. The callback gets Int16
     * chunks and events; returning true aborts synthesis.
     */
    synthesize(text: string, callback: (samples: Int16Array | undefined, events: RawEvent[]) => boolean): void;
    /** Returns a pointer to a UTF-8 string allocated in the module's heap (free it with `_free`). */
    text_to_phonemes(text: string, useIpa: number): { ptr: number };
  }

  export interface ESpeakModule {
    eSpeakNGWorker: new () => ESpeakNGWorker;
    FS: { readdir(path: string): string[] };
    HEAPU8: Uint8Array;
    _free(ptr: number): void;
  }

  /** Instantiates the module; each call is a separate engine with its own memory. */
  export default function init(moduleArg?: {
    print?: (line: string) => void;
    printErr?: (line: string) => void;
  }): Promise<ESpeakModule>;
}
