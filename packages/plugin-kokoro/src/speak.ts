import { type Logger, ShowrunnerError } from '@showrunner/core';
import type { Engine } from './engine.js';
import { halve, shorten } from './text.js';
import { PLUGIN_NAME } from './voices.js';

/** Kokoro's context: 512 tokens, of which 2 are the `$` pads, so at most 510 phonemes per call. */
export const MAX_TOKENS = 512;

/** What one synthesis needs besides the text. */
export interface SpeakOptions {
  voice: string;
  speed: number;
  signal: AbortSignal;
  log: Logger;
}

/**
 * Synthesize cleaned narration as one float32 waveform. The text is cut into sentences with kokoro-js's
 * own splitter, sentences longer than 400 characters (MAX_PIECE_CHARS) at clause breaks, and each piece is
 * spoken on its own and the waveforms concatenated: the model silently truncates anything past 512
 * tokens. A piece whose phonemes still come out too long (numbers expand a lot) is halved and spoken
 * again. `stream()` only ever gets a closed TextSplitterStream (kokoro-js 1.2.1 hangs on a plain
 * string). Called by the plugin's `run`, serially.
 */
export async function speak(
  engine: Engine,
  text: string,
  o: SpeakOptions,
): Promise<{ samples: Float32Array; sampleRate: number }> {
  const parts: Float32Array[] = [];
  let sampleRate = 24_000;
  const splitter = new engine.Splitter();
  splitter.push(text);
  const sentences = [...splitter]; // the sync iterator flushes: every sentence, nothing left pending
  try {
    for (const piece of sentences.flatMap((s) => shorten(s))) {
      for await (const audio of speakPiece(engine, piece, o)) {
        parts.push(audio.audio);
        sampleRate = audio.sampling_rate;
      }
    }
  } catch (err) {
    throw voiceFileError(err) ?? err;
  }
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { samples, sampleRate };
}

type Audio = { audio: Float32Array; sampling_rate: number };

async function* speakPiece(engine: Engine, piece: string, o: SpeakOptions): AsyncGenerator<Audio> {
  o.signal.throwIfAborted();
  const splitter = new engine.Splitter();
  splitter.push(piece);
  splitter.close();
  for await (const chunk of engine.tts.stream(splitter, { voice: o.voice as 'af_heart', speed: o.speed })) {
    const tokens = engine.tts.tokenizer(chunk.phonemes, { truncation: false }).input_ids.dims.at(-1) ?? 0;
    if (tokens <= MAX_TOKENS) {
      yield chunk.audio;
      continue;
    }
    const halves = halve(chunk.text);
    if (halves.length === 1) {
      o.log.warn(`"${chunk.text.slice(0, 40)}…" has ${tokens - 2} phonemes and no place to split; Kokoro speaks the first 510.`);
      yield chunk.audio;
      continue;
    }
    o.log.debug(`Splitting a ${tokens - 2}-phoneme piece in two (Kokoro reads at most ${MAX_TOKENS - 2})`);
    for (const half of halves) yield* speakPiece(engine, half, o);
  }
}

/**
 * kokoro-js reads `voices/<voice>.bin` relative to a global `__dirname` when one exists (`node -e`, the
 * REPL and CommonJS wrappers define one), else relative to its own dist folder: either way a missing
 * file there is an install or environment problem, not a model one.
 */
function voiceFileError(err: unknown): ShowrunnerError | undefined {
  const { code, path: file } = err as { code?: string; path?: string };
  if (code !== 'ENOENT' || !file || !/[\\/]voices[\\/][^\\/]+\.bin$/.test(file)) return undefined;
  return new ShowrunnerError('SR_TTS_FAILED', `kokoro-js could not read its voice file ${file}.`, {
    stage: 'tts',
    plugin: PLUGIN_NAME,
    file,
    cause: err,
    hint:
      'kokoro-js looks for its voices next to its own dist folder, or next to a global __dirname if one is defined ' +
      '(node -e, the REPL): run Showrunner from an ES module file, do not bundle kokoro-js, and reinstall it if the voices folder is gone.',
  });
}
