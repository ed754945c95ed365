// Benchmark of the kokoro plugin on the STAND-IN model (tones, not speech): startup (import + model load
// + first clip) and memory, then the real-time factor of the 20-word sentence, warm, median of 7.
// The stand-in's ONNX graph costs ~2 ms, so these figures measure everything around the model
// (kokoro-js, phonemizer, tokenizer, onnxruntime session, WAV writing), not Kokoro-82M itself.
// Run: cd packages/plugin-kokoro && npx tsx bench/rtf.ts   (prints one JSON line)
// With real weights instead: KOKORO_WEIGHTS=/path/to/Kokoro-82M-v1.0-ONNX npx tsx bench/rtf.ts
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPolicy, type StageContext } from '@showrunner/core';
import { buildKokoroStandin } from '../test/helpers/standin.js';

const TEXT = 'Welcome to Acme Cloud, where your whole team can build, test, and ship new features together in a few minutes.';
const RUNS = 7;
const mib = () => Math.round(process.memoryUsage().rss / 1048576);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 0) => Number(x.toFixed(digits));

globalThis.fetch = (async (url: unknown) => {
  throw new Error(`network disabled in the benchmark: ${String(url)}`);
}) as typeof fetch;

const root = await mkdtemp(path.join(tmpdir(), 'sr-kokoro-bench-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const real = process.env.KOKORO_WEIGHTS;
const weights = real ? path.resolve(real) : path.join(root, 'weights');
if (!real) buildKokoroStandin(weights, { onnxFiles: ['model.onnx'] });
const logs: string[] = [];
const ctx: StageContext = {
  runId: 'bench',
  stage: 'tts',
  runDir: root,
  dir: root,
  root,
  cacheDir: path.join(root, 'cache'),
  signal: new AbortController().signal,
  policy: createPolicy(),
  log: { debug: (m) => logs.push(m), info: (m) => logs.push(m), warn: (m) => logs.push(m) },
  emit: async () => {},
  resolve: (p) => path.resolve(root, p),
  artifact: async (f) => path.relative(root, f),
};
const rssStart = mib();

// Startup, in the order a run pays it: the config imports the plugin (cheap); the first clip imports
// transformers.js + kokoro-js, loads the model and speaks. The plugin logs the import and load times.
const tCore = performance.now();
await import('@showrunner/core'); // every config loads core anyway; timed apart from the plugin
const t0 = performance.now();
const { default: kokoro } = await import('@showrunner/plugin-kokoro');
const plugin = kokoro({ modelDir: weights, allowDownload: false });
const t1 = performance.now();
const first = await plugin.run({ text: TEXT, file: path.join(root, 'first.wav') }, ctx);
const t2 = performance.now();
const logged = (re: RegExp) => Number(logs.map((l) => re.exec(l)?.[1]).find(Boolean) ?? Number.NaN);
const importMs = logged(/^Imported transformers\.js and kokoro-js in (\d+) ms/);
const loadMs = logged(/^Loaded Kokoro .* in (\d+) ms/);
const rssLoaded = mib();
// kokoro-js is loaded now (same module instances the plugin uses) for the baseline below
const transformers = await import('@huggingface/transformers');
const { KokoroTTS } = await import('kokoro-js');

// Warm synthesis through the plugin (sentence split, token check, float → 16-bit WAV), interleaved with
// the baseline, kokoro-js's own generate() on the same model in the same process, so both see the same load.
transformers.env.allowRemoteModels = false;
const bare = await KokoroTTS.from_pretrained(weights, { dtype: 'fp32', device: 'cpu' });
await bare.generate(TEXT, { voice: 'af_heart' });
const pluginMs: number[] = [];
const bareMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  await plugin.run({ text: TEXT, file: path.join(root, `warm-${i}.wav`) }, ctx);
  pluginMs.push(performance.now() - t);
  t = performance.now();
  await bare.generate(TEXT, { voice: 'af_heart' });
  bareMs.push(performance.now() - t);
}
await plugin.release?.('bench'); // the run ends: the model goes with its only share
await bare.model.dispose();

const synth = median(pluginMs);
console.log(
  JSON.stringify({
    bench: real ? `plugin-kokoro rtf (real weights: ${weights})` : 'plugin-kokoro rtf (stand-in model, not real speech)',
    words: TEXT.split(/\s+/).length,
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    loadavg_1m: round((await import('node:os')).loadavg()[0]!, 2),
    core_import_ms: round(t0 - tCore),
    plugin_import_ms: round(t1 - t0),
    startup_ms: round(t2 - t0), // plugin import + first clip (libraries import + model load + synthesis + WAV)
    libs_import_ms: importMs,
    model_load_ms: loadMs,
    first_synthesis_ms: round(t2 - t1 - importMs - loadMs), // includes the phonemizer's one-time init
    audio_s: round(first.durationMs / 1000, 2),
    synth_ms_median: round(synth),
    rtf: round(synth / first.durationMs, 4),
    kokoro_generate_ms_median: round(median(bareMs)),
    plugin_vs_generate: round(synth / median(bareMs), 2),
    rss_start_MiB: rssStart,
    rss_after_first_clip_MiB: rssLoaded,
    rss_end_MiB: mib(),
  }),
);
