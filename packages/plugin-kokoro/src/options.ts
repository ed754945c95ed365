import { homedir } from 'node:os';
import path from 'node:path';
import { parseOptions } from '@showrunner/core';
import * as z from 'zod';
import { checkVoice, DEFAULT_VOICE, type KOKORO_VOICES, PLUGIN_NAME } from './voices.js';

/** The ONNX weights kokoro-js can load; each is its own file in the model's `onnx/` folder. */
export const DTYPES = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const;
export type Dtype = (typeof DTYPES)[number];

export const DEFAULT_MODEL = 'onnx-community/Kokoro-82M-v1.0-ONNX';

/** Options of the kokoro plugin, as written in `showrunner.config.ts`. Every one is optional. */
export interface KokoroOptions {
  /** Voice for demos that name none; one of {@link KOKORO_VOICES}. Default `'af_heart'`. */
  voice?: string;
  /** Speaking rate from 0.5 to 2: 1 is normal, 2 twice as fast. Default 1. */
  speed?: number;
  /** Which weights to load. Default `'fp32'` (326 MB; reported fastest on CPU). */
  dtype?: Dtype;
  /** Hugging Face model id: names the download and the folder under `cacheDir`. Default {@link DEFAULT_MODEL}. */
  model?: string;
  /** Folder that holds the model files itself. Default `<cacheDir>/<model>`. Relative to the config file. */
  modelDir?: string;
  /** Where downloaded weights are kept. Default `$XDG_CACHE_HOME/showrunner/kokoro` or `~/.cache/showrunner/kokoro`. */
  cacheDir?: string;
  /** Fetch missing weights on first use. Default true, except when `CI` is set or `HF_HUB_OFFLINE=1`. */
  allowDownload?: boolean;
  /** Where weights are fetched from. Default `$HF_ENDPOINT` or `https://huggingface.co`. */
  endpoint?: string;
}

const Options = z.strictObject({
  voice: z.string().min(1).default(DEFAULT_VOICE),
  speed: z.number().min(0.5).max(2).default(1),
  dtype: z.enum(DTYPES).default('fp32'),
  model: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'must be a Hugging Face model id like "owner/name"')
    .default(DEFAULT_MODEL),
  modelDir: z.string().min(1).optional(),
  cacheDir: z.string().min(1).optional(),
  allowDownload: z.boolean().optional(),
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
});

// The documented interface and the schema must accept the same objects (a type error if they drift).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<KokoroOptions, z.input<typeof Options>>;

/** Options after defaults; paths are still as written (they resolve against the config folder at run time). */
export interface ResolvedOptions {
  voice: string;
  speed: number;
  dtype: Dtype;
  model: string;
  modelDir?: string;
  cacheDir: string;
  allowDownload: boolean;
  endpoint: string;
}

/**
 * Check the options and fill the defaults. Called by the factory (so a bad option fails when the
 * config loads) and by {@link kokoroWeightsAvailable}. Throws SR_CONFIG_INVALID naming the option, or
 * SR_TTS_VOICE_UNKNOWN for a voice kokoro-js does not have.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  const o = parseOptions(Options, options, { plugin: PLUGIN_NAME, slot: 'tts' });
  checkVoice(o.voice, { field: 'voice' });
  const env = process.env;
  return {
    ...o,
    cacheDir: o.cacheDir ?? path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'showrunner', 'kokoro'),
    allowDownload: o.allowDownload ?? !(isSet(env.CI) || env.HF_HUB_OFFLINE === '1'),
    endpoint: (o.endpoint ?? env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
  };
}

/** The folder the model files live in: `modelDir`, or `<cacheDir>/<model>`, absolute from `root`. */
export function weightsFolder(o: ResolvedOptions, root: string): string {
  return o.modelDir ? path.resolve(root, o.modelDir) : path.resolve(root, o.cacheDir, ...o.model.split('/'));
}

/** Everything that changes the audio, for the clip cache key (the demo's voice is keyed by core). */
export function fingerprintOf(o: ResolvedOptions): string {
  const { voice, speed, dtype, model, modelDir } = o;
  return JSON.stringify({ engine: 'kokoro-js@1.2.1', text: 1, model, modelDir, dtype, voice, speed });
}

const isSet = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
