import { LIMITS, parseOptions, ShowrunnerError } from '@showrunner/core';
import * as z from 'zod';

/** The plugin's npm name: appears in every error and log line. */
export const PLUGIN_NAME = '@showrunner/plugin-playwright';

const ms = (max: number) => z.number().int().min(0).max(max);

const OptionsSchema = z.strictObject({
  executablePath: z.string().min(1).optional(),
  headless: z.boolean().default(true),
  viewport: z
    .strictObject({ width: z.number().int().min(200).max(3840), height: z.number().int().min(200).max(2160) })
    .optional(),
  deviceScaleFactor: z.number().min(1).max(4).default(1),
  leadMs: ms(10_000).default(300),
  gapMs: ms(10_000).default(400),
  typingDelayMs: ms(1_000).default(55),
  maxTypingMs: ms(60_000).default(2_500),
  cursor: z.boolean().default(true),
  cursorMinMs: ms(5_000).default(350),
  cursorMaxMs: ms(5_000).default(900),
  highlight: z.boolean().default(false),
  blurPx: z.number().min(1).max(64).default(10),
  jpegQuality: z.number().int().min(1).max(100).default(90),
  stepTimeoutMs: z.number().int().min(100).max(600_000).default(8_000),
  actionTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  navigationTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  settleTimeoutMs: ms(60_000).default(3_000),
  retries: z.number().int().min(0).max(10).default(1),
  /** Wall time one recording may take, pauses for decisions left out (lower it for tests; never above the limit). */
  maxRecordingMs: z.number().int().min(1_000).max(LIMITS.recordingMs).default(LIMITS.recordingMs),
});

/** Options of the `playwright()` factory, as written in `showrunner.config.ts`. Defaults are in the README. */
export type PlaywrightOptions = z.input<typeof OptionsSchema>;

/** Options after validation, with defaults filled in. */
export type ResolvedOptions = z.output<typeof OptionsSchema>;

/**
 * Validate the factory options once, when the config loads, so a bad option fails before any run.
 * Throws SR_CONFIG_INVALID naming the plugin and the option.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  const resolved = parseOptions(OptionsSchema, options, { plugin: PLUGIN_NAME, slot: 'record' });
  if (resolved.cursorMinMs > resolved.cursorMaxMs) {
    throw new ShowrunnerError('SR_CONFIG_INVALID', `${PLUGIN_NAME}: cursorMinMs is larger than cursorMaxMs.`, {
      plugin: PLUGIN_NAME,
      slot: 'record',
      field: 'cursorMinMs',
      hint: 'Make cursorMinMs ≤ cursorMaxMs.',
    });
  }
  return resolved;
}
