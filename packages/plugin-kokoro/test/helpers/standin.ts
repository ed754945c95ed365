// Builds an offline stand-in for onnx-community/Kokoro-82M-v1.0-ONNX that kokoro-js loads through its
// REAL code path (StyleTextToSpeech2Model + AutoTokenizer + the voices shipped in kokoro-js). Used by
// the tests and the benchmark; ported from the research note feas-tts.md, appendix B.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DT, model, node, tensor, valueInfo } from './onnx-mini.js';

/** Samples the stand-in emits per token at speed 1 (75 ms at 24 kHz). */
export const SAMPLES_PER_TOKEN = 1800;
export const SAMPLE_RATE = 24_000;

/** Kokoro's phoneme vocabulary (`$` = 0 is the pad token; the ids have gaps, as in the real model). */
export const VOCAB: Readonly<Record<string, number>> = {
  $: 0,
  ';': 1,
  ':': 2,
  ',': 3,
  '.': 4,
  '!': 5,
  '?': 6,
  '—': 9,
  '…': 10,
  '"': 11,
  '(': 12,
  ')': 13,
  '“': 14,
  '”': 15,
  ' ': 16,
  '\u0303': 17,
  ʣ: 18,
  ʥ: 19,
  ʦ: 20,
  ʨ: 21,
  ᵝ: 22,
  ꭧ: 23,
  A: 24,
  I: 25,
  O: 31,
  Q: 33,
  S: 35,
  T: 36,
  W: 39,
  Y: 41,
  ᵊ: 42,
  a: 43,
  b: 44,
  c: 45,
  d: 46,
  e: 47,
  f: 48,
  h: 50,
  i: 51,
  j: 52,
  k: 53,
  l: 54,
  m: 55,
  n: 56,
  o: 57,
  p: 58,
  q: 59,
  r: 60,
  s: 61,
  t: 62,
  u: 63,
  v: 64,
  w: 65,
  x: 66,
  y: 67,
  z: 68,
  ɑ: 69,
  ɐ: 70,
  ɒ: 71,
  æ: 72,
  β: 75,
  ɔ: 76,
  ɕ: 77,
  ç: 78,
  ɖ: 80,
  ð: 81,
  ʤ: 82,
  ə: 83,
  ɚ: 85,
  ɛ: 86,
  ɜ: 87,
  ɟ: 90,
  ɡ: 92,
  ɥ: 99,
  ɨ: 101,
  ɪ: 102,
  ʝ: 103,
  ɯ: 110,
  ɰ: 111,
  ŋ: 112,
  ɳ: 113,
  ɲ: 114,
  ɴ: 115,
  ø: 116,
  ɸ: 118,
  θ: 119,
  œ: 120,
  ɹ: 123,
  ɾ: 125,
  ɻ: 126,
  ʁ: 128,
  ɽ: 129,
  ʂ: 130,
  ʃ: 131,
  ʈ: 132,
  ʧ: 133,
  ʊ: 135,
  ʋ: 136,
  ʌ: 138,
  ɣ: 139,
  ɤ: 140,
  χ: 142,
  ʎ: 143,
  ʒ: 147,
  ʔ: 148,
  ˈ: 156,
  ˌ: 157,
  ː: 158,
  ʰ: 162,
  ʲ: 164,
  '↓': 169,
  '→': 171,
  '↗': 172,
  '↘': 173,
  ᵻ: 177,
};

/** Tokens the stand-in tokenizer makes of a phoneme string: one per in-vocab character, plus `$` at each end. */
export const standinTokens = (phonemes: string): number => [...phonemes].filter((c) => c in VOCAB).length + 2;

/** ONNX file name per kokoro-js dtype (transformers.js DEFAULT_DTYPE_SUFFIX_MAPPING). */
export const ONNX_FILES = ['model.onnx', 'model_fp16.onnx', 'model_quantized.onnx', 'model_q4.onnx', 'model_q4f16.onnx'] as const;

export interface StandinOptions {
  /** Which `onnx/*.onnx` names to write (all dtypes by default). */
  onnxFiles?: readonly string[];
}

/**
 * Write the stand-in model folder: config.json, tokenizer.json, tokenizer_config.json and onnx/model*.onnx,
 * the same four files the real model needs. Returns the ONNX graph's size in bytes.
 */
export function buildKokoroStandin(dir: string, { onnxFiles = ONNX_FILES }: StandinOptions = {}): number {
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  // Only model_type matters: it maps to StyleTextToSpeech2Model, an encoder-only model read from onnx/model{suffix}.onnx.
  writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify({ model_type: 'style_text_to_speech_2' })}\n`);
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
  writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ model_max_length: 512, pad_token: '$', tokenizer_class: 'PreTrainedTokenizer', unk_token: '$' }),
  );
  const bytes = standinGraph();
  for (const name of onnxFiles) writeFileSync(path.join(dir, 'onnx', name), bytes);
  return bytes.length;
}

/** One token per vocab character, out-of-vocab characters dropped, `$ … $` around the sequence. */
function tokenizerJson() {
  const charClass = Object.keys(VOCAB)
    .join('')
    .replace(/[\\\][^-]/g, '\\$&');
  const pad = { SpecialToken: { id: '$', type_id: 0 } };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: { type: 'Replace', pattern: { Regex: `[^${charClass}]` }, content: '' },
    pre_tokenizer: { type: 'Split', pattern: { Regex: '' }, behavior: 'Isolated', invert: false },
    post_processor: {
      type: 'TemplateProcessing',
      single: [pad, { Sequence: { id: 'A', type_id: 0 } }, pad],
      pair: [pad, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, pad],
      special_tokens: { $: { id: '$', ids: [0], tokens: ['$'] } },
    },
    decoder: null,
    model: { vocab: VOCAB }, // no "type": transformers.js makes it a LegacyTokenizerModel
  };
}

/**
 * Kokoro's I/O contract: input_ids int64 [batch, seq], style float32 [batch, 256], speed float32 [batch]
 * → waveform float32 [num_samples]. It emits floor(seq · 1800 / speed) samples: one enveloped tone per
 * token at 110 + 4·id Hz, loudness from mean |style|. So length proves token count and speed flow
 * through, and pitch proves the token ids do.
 */
function standinGraph(): Uint8Array {
  const f = (name: string, v: number) => tensor(name, DT.FLOAT, [], [v]);
  const initializers = [
    f('SPT', SAMPLES_PER_TOKEN),
    f('ZERO_F', 0),
    f('ONE_F', 1),
    f('BASE_HZ', 110),
    f('HZ_PER_ID', 4),
    f('TWO_PI_OVER_SR', (2 * Math.PI) / SAMPLE_RATE),
    f('PI', Math.PI),
    f('AMP_BASE', 0.2),
    f('AMP_MAX', 0.9),
    tensor('IDX1', DT.INT64, [], [1]),
    tensor('ONE_I', DT.INT64, [], [1]),
    tensor('ZERO_I', DT.INT64, [], [0]),
    tensor('MINUS1', DT.INT64, [1], [-1]),
  ];
  const nodes = [
    node('Shape', ['input_ids'], ['ids_shape']),
    node('Gather', ['ids_shape', 'IDX1'], ['T'], { axis: 0 }),
    node('Sub', ['T', 'ONE_I'], ['T_minus1']),
    node('Cast', ['T'], ['T_f'], { to: DT.FLOAT }),
    node('ReduceMean', ['speed'], ['speed_s'], { keepdims: 0 }),
    node('Div', ['SPT', 'speed_s'], ['spt_s']),
    node('Mul', ['T_f', 'spt_s'], ['n_raw']),
    node('Floor', ['n_raw'], ['n_samples']),
    node('Range', ['ZERO_F', 'n_samples', 'ONE_F'], ['t']),
    node('Div', ['t', 'spt_s'], ['tok_pos']),
    node('Floor', ['tok_pos'], ['tok_pos_floor']),
    node('Sub', ['tok_pos', 'tok_pos_floor'], ['frac']),
    node('Cast', ['tok_pos_floor'], ['tok_idx_raw'], { to: DT.INT64 }),
    node('Min', ['tok_idx_raw', 'T_minus1'], ['tok_idx']),
    node('Reshape', ['input_ids', 'MINUS1'], ['ids_flat']),
    node('Gather', ['ids_flat', 'tok_idx'], ['tok'], { axis: 0 }),
    node('Cast', ['tok'], ['tok_f'], { to: DT.FLOAT }),
    node('Mul', ['tok_f', 'HZ_PER_ID'], ['hz_off']),
    node('Add', ['hz_off', 'BASE_HZ'], ['hz']),
    node('Mul', ['hz', 'TWO_PI_OVER_SR'], ['dphase']),
    node('CumSum', ['dphase', 'ZERO_I'], ['phase']),
    node('Sin', ['phase'], ['tone']),
    node('Mul', ['frac', 'PI'], ['env_arg']),
    node('Sin', ['env_arg'], ['env']),
    node('Abs', ['style'], ['style_abs']),
    node('ReduceMean', ['style_abs'], ['style_mean'], { keepdims: 0 }),
    node('Add', ['style_mean', 'AMP_BASE'], ['amp_raw']),
    node('Min', ['amp_raw', 'AMP_MAX'], ['amp']),
    node('Mul', ['tone', 'env'], ['shaped']),
    node('Mul', ['shaped', 'amp'], ['waveform']),
  ];
  return model({
    name: 'kokoro_standin',
    nodes,
    initializers,
    inputs: [
      valueInfo('input_ids', DT.INT64, ['batch_size', 'sequence_length']),
      valueInfo('style', DT.FLOAT, ['batch_size', 256]),
      valueInfo('speed', DT.FLOAT, ['batch_size']),
    ],
    outputs: [valueInfo('waveform', DT.FLOAT, ['num_samples'])],
  });
}
