import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ShowrunnerError } from '@showrunner/core';
import { type Dtype, type KokoroOptions, type ResolvedOptions, resolveOptions, weightsFolder } from './options.js';
import { PLUGIN_NAME } from './voices.js';

/** ONNX file per dtype (transformers.js DEFAULT_DTYPE_SUFFIX_MAPPING). */
const ONNX_FILE: Record<Dtype, string> = {
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
};
const JSON_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** The four files kokoro-js reads from the model folder (voices ship inside kokoro-js). */
export const requiredFiles = (dtype: Dtype): string[] => [...JSON_FILES, ONNX_FILE[dtype]];

/** What is wrong with a model folder: files that are absent and files that are present but unusable. */
export interface WeightsState {
  folder: string;
  missing: string[];
  broken: { file: string; why: string }[];
}

/**
 * Look at the model folder without loading the model: every required file must exist and be non-empty,
 * and the JSON files must parse (the ONNX file is checked by onnxruntime when it loads). Cheap: the
 * JSON files are a few KB. Called before every model load and by {@link kokoroWeightsAvailable}.
 */
export async function inspectWeights(folder: string, dtype: Dtype): Promise<WeightsState> {
  const state: WeightsState = { folder, missing: [], broken: [] };
  for (const file of requiredFiles(dtype)) {
    const abs = path.join(folder, file);
    const size = await stat(abs).then(
      (s) => (s.isFile() ? s.size : -1),
      () => undefined,
    );
    if (size === undefined) state.missing.push(file);
    else if (size <= 0) state.broken.push({ file, why: size === 0 ? 'it is empty' : 'it is not a file' });
    else if (file.endsWith('.json')) {
      try {
        JSON.parse(await readFile(abs, 'utf8'));
      } catch (err) {
        state.broken.push({ file, why: `it is not valid JSON (${(err as Error).message})` });
      }
    }
  }
  return state;
}

/**
 * True when the weights for the configured `dtype` are in the model folder, so the plugin will not
 * download anything. Never downloads, never imports kokoro-js. Relative `modelDir`/`cacheDir` resolve
 * from `root` (default: the current folder), as the plugin resolves them from the config file's folder.
 * Used to choose between kokoro and the offline eSpeak voice, e.g. in a config:
 * `tts: (await kokoroWeightsAvailable()) ? kokoro() : espeak()`.
 */
export async function kokoroWeightsAvailable(options: KokoroOptions & { root?: string } = {}): Promise<boolean> {
  const { root = process.cwd(), ...rest } = options;
  const o = resolveOptions(rest);
  const state = await inspectWeights(weightsFolder(o, root), o.dtype);
  return state.missing.length === 0 && state.broken.length === 0;
}

/** Where a file is fetched from: `<endpoint>/<model>/resolve/main/<file>` (the Hugging Face layout). */
export const fileUrl = (o: ResolvedOptions, file: string): string => `${o.endpoint}/${o.model}/resolve/main/${file}`;

/** One shell line that fetches `files` into `folder` with curl. */
function curlLine(o: ResolvedOptions, folder: string, files: string[]): string {
  const q = (s: string) => (/^[\w./:@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  if (files.length === 1) return `curl -fL --create-dirs -o ${q(path.join(folder, files[0]!))} ${q(fileUrl(o, files[0]!))}`;
  return `for f in ${files.join(' ')}; do curl -fL --create-dirs -o ${q(folder)}/$f ${q(fileUrl(o, ''))}$f; done`;
}

/** SR_TTS_MODEL_MISSING for files that are absent while downloads are off: what, where, and how to fetch them once. */
export function missingError(o: ResolvedOptions, state: WeightsState): ShowrunnerError {
  return new ShowrunnerError(
    'SR_TTS_MODEL_MISSING',
    `Kokoro weights for dtype ${o.dtype} are missing: ${state.missing.join(', ')} not found in ${state.folder}, and allowDownload is false.`,
    {
      stage: 'tts',
      plugin: PLUGIN_NAME,
      file: path.join(state.folder, state.missing[0] ?? ''),
      hint:
        `Fetch them once (${o.dtype === 'fp32' ? 'about 326 MB' : 'the ONNX file is the big one'}): run with network and ` +
        `allowDownload: true, or put the files in ${state.folder}, e.g. \`${curlLine(o, state.folder, state.missing)}\`. ` +
        'Or use @showrunner/plugin-espeak, which needs no download.',
    },
  );
}

/** SR_TTS_MODEL_MISSING for a file that exists but cannot be used (truncated download, wrong file). */
export function brokenError(o: ResolvedOptions, folder: string, file: string, why: string, cause?: unknown): ShowrunnerError {
  return new ShowrunnerError('SR_TTS_MODEL_MISSING', `Kokoro model file ${file} in ${folder} is corrupt: ${brief(why)}.`, {
    stage: 'tts',
    plugin: PLUGIN_NAME,
    file: path.join(folder, file),
    cause,
    hint: `Delete ${path.join(folder, file)} and fetch it again: ${o.allowDownload ? 'the next run downloads it' : `\`${curlLine(o, folder, [file])}\``}.`,
  });
}

/** SR_TTS_MODEL_MISSING when kokoro-js cannot load a folder whose files all look present. */
export function unusableError(o: ResolvedOptions, folder: string, why: string, cause?: unknown): ShowrunnerError {
  return new ShowrunnerError('SR_TTS_MODEL_MISSING', `Kokoro could not load the model in ${folder}: ${brief(why)}.`, {
    stage: 'tts',
    plugin: PLUGIN_NAME,
    file: folder,
    cause,
    hint: `The folder must hold ${o.model}'s ${requiredFiles(o.dtype).join(', ')}. Delete the folder to fetch them again.`,
  });
}

/** First line of a library message, without its final period, at most 300 characters. */
const brief = (why: string) => (why.split('\n')[0] ?? '').slice(0, 300).replace(/\.+$/, '');
