import { parseOptions } from '@showrunner/core';
import * as z from 'zod';
import type { EngineParams } from './engine.js';
import type { EmojiMode } from './text.js';
import { BUNDLED_CATALOG } from './voice-list.js';
import { resolveVoice } from './voices.js';

export const PLUGIN_NAME = '@showrunner/plugin-espeak';
/** eSpeak NG's normal rate; `speed` multiplies it. */
export const NORMAL_RATE = 175;

const OptionsSchema = z
  .strictObject({
    voice: z
      .string()
      .min(1)
      .default('en-us')
      .describe('Language code or voice file, optionally with a variant: "en-us", "en-gb", "de", "en-us+f3".'),
    rate: z.number().int().min(80).max(450).optional().describe('Words per minute, 80–450 (eSpeak NG default 175).'),
    speed: z.number().min(0.5).max(2.5).optional().describe("Multiple of the normal rate (1 = 175 wpm), like kokoro's speed."),
    pitch: z.number().int().min(0).max(100).default(50).describe('Base pitch, 0–100.'),
    range: z.number().int().min(0).max(100).default(50).describe('Intonation range, 0–100 (0 is a monotone).'),
    volume: z.number().int().min(0).max(200).default(100).describe('Amplitude, 0–200.'),
    emoji: z
      .enum(['strip', 'speak'])
      .default('strip')
      .describe('"strip" leaves emoji out; "speak" lets eSpeak NG say their names ("rocket").'),
  })
  .refine((o) => o.rate === undefined || o.speed === undefined, {
    message: 'set either rate (words per minute) or speed (a multiple of 175 wpm), not both',
    path: ['speed'],
  });

/** Options of the espeak tts plugin (all optional). */
export type EspeakOptions = z.input<typeof OptionsSchema>;

/** Options after defaults: what every clip is synthesized with. */
export interface Settings {
  /** Canonical voice name (`en-us`, `en-us+f3`). */
  voice: string;
  params: EngineParams;
  emoji: EmojiMode;
}

/**
 * Check options when the plugin is created, i.e. when the config loads: SR_CONFIG_INVALID naming
 * the option, or SR_TTS_VOICE_UNKNOWN listing the voices of the bundled build.
 */
export function resolveOptions(options: unknown): Settings {
  const { voice, rate, speed, pitch, range, volume, emoji } = parseOptions(OptionsSchema, options, {
    plugin: PLUGIN_NAME,
    slot: 'tts',
  });
  return {
    voice: resolveVoice(voice, BUNDLED_CATALOG, { plugin: PLUGIN_NAME, slot: 'tts', field: 'voice' }),
    params: { rate: rate ?? Math.round(NORMAL_RATE * (speed ?? 1)), pitch, range, volume },
    emoji,
  };
}
