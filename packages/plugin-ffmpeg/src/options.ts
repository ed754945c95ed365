import { parseOptions } from '@showrunner/core';
import * as z from 'zod';

/** Name in every error, log line and output. */
export const PLUGIN_NAME = '@showrunner/plugin-ffmpeg';

const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;
const HexColor = z.string().regex(/^#?[0-9a-fA-F]{6}$/, 'a hex colour such as "#1f6feb"');

/** A title card shown before or after the recording. Text defaults come from the demo. */
const CardSchema = z.strictObject({
  title: z.string().min(1).optional().describe('Large text. Default: the demo title (intro) or "Thanks for watching" (outro).'),
  subtitle: z.string().min(1).optional().describe('Smaller text under the title. Default: the demo URL on the outro.'),
  durationMs: z.number().int().min(500).max(15_000).default(2500),
});

const ZoomSchema = z.strictObject({
  scale: z.number().min(1.1).max(4).default(1.6).describe('Largest zoom factor.'),
  rampMs: z.number().int().min(100).max(3000).default(700).describe('Length of the ease in and of the ease out.'),
});

/** A small corner mark over the whole video (cards included), e.g. on free-plan videos. */
const WatermarkSchema = z.strictObject({
  text: z.string().min(1).max(60).default('Made with Showrunner').describe('One line of text.'),
  position: z.enum(['top-left', 'top-right', 'bottom-left', 'bottom-right']).default('bottom-right'),
  opacity: z.number().min(0.1).max(1).default(0.7).describe('Of the text; its dark backing is half as opaque.'),
});

const GifSchema = z.strictObject({
  width: z.number().int().min(64).max(1920).default(640),
  fps: z.number().int().min(1).max(30).default(10),
});

const WebmSchema = z.strictObject({
  crf: z.number().int().min(0).max(63).default(34),
});

/** Options of {@link ffmpeg}; every field is optional. */
export const FfmpegOptionsSchema = z.strictObject({
  ffmpegPath: z.string().min(1).optional().describe('ffmpeg binary; else FFMPEG_PATH, ffmpeg on PATH, @ffmpeg-installer/ffmpeg.'),
  fps: z.number().int().min(1).max(60).default(30),
  size: z
    .union([
      z.enum(['viewport', 'frames']),
      z.strictObject({ width: z.number().int().min(64).max(7680), height: z.number().int().min(64).max(4320) }),
    ])
    .default('viewport')
    .describe('Output size: the CSS viewport (frames are scaled down from deviceScaleFactor), the frame size, or explicit.'),
  crf: z.number().min(0).max(51).default(18),
  preset: z.enum(X264_PRESETS).default('veryfast'),
  tune: z.enum(['animation', 'stillimage', 'film', 'none']).default('animation'),
  audioBitrate: z.number().int().min(32).max(512).default(128).describe('AAC bitrate in kbit/s.'),
  audioChannels: z.union([z.literal(1), z.literal(2)]).default(2),
  aacCoder: z.enum(['fast', 'twoloop']).default('fast').describe('Native AAC coder; "fast" is about twice as fast.'),
  loudness: z
    .union([z.number().min(-40).max(-5), z.literal(false)])
    .default(-16)
    .describe('Integrated loudness target per line in LUFS, or false to keep levels.'),
  peak: z.number().min(-20).max(0).default(-1).describe('Peak ceiling of the decoded audio in dBFS.'),
  tailMs: z.number().int().min(0).max(5000).default(300).describe('Silence kept after a line before the next step starts.'),
  captions: z.enum(['soft', 'burn', 'both', 'none']).default('soft'),
  captionSize: z.number().min(8).max(120).default(32).describe('Burned-in caption height in px at 720p (scales with size).'),
  language: z
    .string()
    .regex(/^[a-z]{3}$/, 'an ISO 639-2 code such as "eng"')
    .optional()
    .describe("Audio and caption track language; default: the demo's language as ISO 639-2 (eng when it has none)."),
  zoom: z.union([z.boolean(), ZoomSchema]).default(false),
  intro: z.union([z.boolean(), CardSchema]).default(false),
  outro: z.union([z.boolean(), CardSchema]).default(false),
  watermark: z.union([z.boolean(), WatermarkSchema]).default(false),
  brandColor: HexColor.default('#111827'),
  textColor: HexColor.default('#ffffff'),
  font: z.string().min(1).optional().describe('TrueType/OpenType file for title cards; default DejaVu Sans or fontconfig.'),
  chapters: z.boolean().default(true),
  poster: z.union([z.boolean(), z.number().nonnegative()]).default(true).describe('true, false or ms on the recording clock.'),
  gif: z.union([z.boolean(), GifSchema]).default(false),
  webm: z.union([z.boolean(), WebmSchema]).default(false),
});

/** What users write in `ffmpeg({...})`. */
export type FfmpegOptions = z.input<typeof FfmpegOptionsSchema>;
/** Options after defaults, as the merge reads them. */
export type ResolvedOptions = z.output<typeof FfmpegOptionsSchema>;
export type CardOptions = z.output<typeof CardSchema>;
export type ZoomOptions = z.output<typeof ZoomSchema>;
export type GifOptions = z.output<typeof GifSchema>;
/** The `watermark` option as written (`true` for the defaults); the hosted app sets it on free-plan videos. */
export type WatermarkOptions = z.input<typeof WatermarkSchema>;
export type ResolvedWatermark = z.output<typeof WatermarkSchema>;
export type WebmOptions = z.output<typeof WebmSchema>;

/**
 * Check options when the factory is called (config load time), so a typo fails before any run.
 * Throws SR_CONFIG_INVALID naming the plugin and the option.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  return parseOptions(FfmpegOptionsSchema, options, { plugin: PLUGIN_NAME, slot: 'merge' });
}

/** A boolean-or-object option with its defaults filled, or undefined when off. */
export function enabled<T>(value: boolean | T, schema: { parse(v: unknown): T }): T | undefined {
  if (value === false) return undefined;
  return value === true ? schema.parse({}) : value;
}

export const schemas = { card: CardSchema, zoom: ZoomSchema, gif: GifSchema, webm: WebmSchema, watermark: WatermarkSchema };
