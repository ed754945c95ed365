// The expected length of stand-in audio, worked out with kokoro-js itself: its phonemizer and sentence
// splitter give the phonemes, and the stand-in emits SAMPLES_PER_TOKEN per token (phonemes + 2 pads).
import { SAMPLES_PER_TOKEN, standinTokens } from './standin.js';

export interface Oracle {
  /** Tokens of each sentence kokoro-js makes of `text` (no truncation applied). */
  tokens(text: string): Promise<number[]>;
  /** Samples the stand-in produces for one sentence at `speed`. */
  samples(sentence: string, speed?: number): Promise<number>;
}

/** Load the stand-in at `folder` with kokoro-js directly (the plugin must already have set transformers' env). */
export async function oracle(folder: string): Promise<Oracle> {
  // imported here, not at the top: a test file may need kokoro-js to be first imported by the plugin
  const { KokoroTTS, TextSplitterStream } = await import('kokoro-js');
  const tts = await KokoroTTS.from_pretrained(folder, { dtype: 'fp32', device: 'cpu' });
  const tokens = async (text: string) => {
    const splitter = new TextSplitterStream();
    splitter.push(text);
    splitter.close();
    const out: number[] = [];
    for await (const chunk of tts.stream(splitter)) out.push(standinTokens(chunk.phonemes));
    return out;
  };
  return {
    tokens,
    async samples(sentence, speed = 1) {
      const [n = 0] = await tokens(sentence);
      return Math.floor((n * SAMPLES_PER_TOKEN) / speed);
    },
  };
}
