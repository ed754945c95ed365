import path from 'node:path';
import type { Logger } from '@showrunner/core';
import type { KokoroTTS, TextSplitterStream } from 'kokoro-js';
import { downloadWeights } from './download.js';
import type { ResolvedOptions } from './options.js';
import { brokenError, inspectWeights, missingError, unusableError } from './weights.js';

/** kokoro-js, loaded: the model and the sentence splitter class that comes with it. */
export interface Engine {
  tts: KokoroTTS;
  Splitter: typeof TextSplitterStream;
}

type Libraries = {
  env: typeof import('@huggingface/transformers')['env'];
  KokoroTTS: typeof KokoroTTS;
  TextSplitterStream: typeof TextSplitterStream;
};
let libraries: Promise<Libraries> | undefined;
/** Loads of different plugin instances run one at a time: transformers.js's `env` is process-wide. */
let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * The two listeners the phonemizer's Emscripten glue registers, as minified in its bundle:
 * `function(A){if(!(A instanceof O))throw A}` (uncaughtException) and `function(A){throw A}`.
 */
const RETHROW = /^function\((\w+)\)\{(?:if\(!\(\1instanceof\w+\)\))?throw\1\}$/;

/**
 * Import transformers.js and kokoro-js once per process, both as ESM so they share one `env`
 * (`require('kokoro-js')` would load a second transformers instance that ignores our settings). The
 * phonemizer that kokoro-js imports registers process-wide uncaughtException/unhandledRejection
 * listeners that rethrow from inside its 1.3 MB one-line bundle (Node then prints the whole line and
 * exits with code 7). They are removed: those added during the import, and, when something imported
 * kokoro-js before the plugin, listeners with exactly the phonemizer's source.
 */
export function importLibraries(log?: Logger): Promise<Libraries> {
  libraries ??= (async () => {
    const started = performance.now();
    const before = { u: process.listeners('uncaughtException'), r: process.listeners('unhandledRejection') };
    const transformers = await import('@huggingface/transformers');
    const kokoro = await import('kokoro-js');
    const strip = (l: (...args: never[]) => void, old: unknown[]) =>
      !old.includes(l) || RETHROW.test(String(l).replace(/\s+/g, ''));
    for (const l of process.listeners('uncaughtException')) if (strip(l, before.u)) process.off('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (strip(l, before.r)) process.off('unhandledRejection', l);
    log?.debug(`Imported transformers.js and kokoro-js in ${Math.round(performance.now() - started)} ms`);
    return { env: transformers.env, KokoroTTS: kokoro.KokoroTTS, TextSplitterStream: kokoro.TextSplitterStream };
  })();
  libraries.catch(() => {
    libraries = undefined;
  });
  return libraries;
}

/**
 * Make sure the weights are in `folder` (downloading missing ones when allowed), then load them with
 * kokoro-js, offline. Called by the plugin on its first `run`; throws SR_TTS_MODEL_MISSING naming the
 * missing or corrupt file.
 */
export function loadEngine(
  o: ResolvedOptions,
  folder: string,
  cacheDir: string,
  signal: AbortSignal,
  log: Logger,
): Promise<Engine> {
  const job = loadQueue.then(() => load(o, folder, cacheDir, signal, log));
  loadQueue = job.catch(() => undefined);
  return job;
}

async function load(o: ResolvedOptions, folder: string, cacheDir: string, signal: AbortSignal, log: Logger): Promise<Engine> {
  let state = await inspectWeights(folder, o.dtype);
  const [broken] = state.broken;
  if (broken) throw brokenError(o, folder, broken.file, broken.why);
  if (state.missing.length) {
    if (!o.allowDownload) throw missingError(o, state);
    await downloadWeights(o, folder, state.missing, signal, log);
    state = await inspectWeights(folder, o.dtype);
    if (state.missing.length || state.broken.length) throw missingError(o, state);
  }
  signal.throwIfAborted();

  const lib = await importLibraries(log);
  // The weights are already on disk: kokoro-js loads them from `folder` (an absolute path is used as a
  // plain directory) and never touches the network. cacheDir is set so a stale copy in transformers'
  // default cache (inside node_modules) can never shadow the folder.
  lib.env.cacheDir = cacheDir;
  lib.env.localModelPath = cacheDir;
  lib.env.allowLocalModels = true;
  lib.env.allowRemoteModels = false;
  const started = performance.now();
  try {
    const tts = await lib.KokoroTTS.from_pretrained(folder, { dtype: o.dtype, device: 'cpu' });
    log.debug(`Loaded Kokoro ${o.dtype} from ${folder} in ${Math.round(performance.now() - started)} ms`);
    return { tts, Splitter: lib.TextSplitterStream };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // onnxruntime: "Load model from <path> failed: Protobuf parsing failed." (truncated or wrong file)
    const onnx = /Load model from (.+?\.onnx) failed/.exec(message)?.[1];
    throw onnx ? brokenError(o, folder, path.relative(folder, onnx), message, err) : unusableError(o, folder, message, err);
  }
}
