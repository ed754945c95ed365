import { ShowrunnerError } from '@showrunner/core';
import { PLUGIN_NAME } from './voices.js';

/**
 * What kokoro-js 1.2.1's phonemizer speaks: it phonemizes with eSpeak NG as `en-us` for the `a*` voices
 * and `en` (British) for the `b*` ones, and refuses every other voice file it ships (`zf_*`, `ef_*`, ...).
 */
export const KOKORO_LANGUAGES: readonly string[] = Object.freeze(['en-US', 'en-GB']);

/** The British voice for `en-GB` (and other non-US English) when the configured voice is American. */
export const BRITISH_VOICE = 'bf_emma';

/**
 * The voice for a line: the demo's own voice wins; English without a region or in the US keeps the
 * configured voice; English elsewhere (`en-GB`, `en-AU`, ...) keeps a British configured voice, else
 * {@link BRITISH_VOICE}. Any other language throws SR_TTS_LANGUAGE saying what Kokoro speaks and that
 * eSpeak speaks the rest. Called by `run` before anything is loaded, so it costs nothing.
 */
export function voiceFor(request: { voice?: string; language?: string }, configured: string): string {
  if (request.language === undefined) return request.voice ?? configured;
  let locale: Intl.Locale | undefined;
  try {
    locale = new Intl.Locale(request.language);
  } catch {
    locale = undefined;
  }
  if (locale?.language !== 'en') {
    throw new ShowrunnerError(
      'SR_TTS_LANGUAGE',
      `Kokoro (kokoro-js 1.2.1) speaks English only (${KOKORO_LANGUAGES.join(', ')}), not the demo's language "${request.language}".`,
      {
        stage: 'tts',
        plugin: PLUGIN_NAME,
        field: 'language',
        hint: 'Use @showrunner/plugin-espeak for this demo (tts: espeak()): it speaks zh, es, ar and about 100 other languages offline.',
      },
    );
  }
  if (request.voice !== undefined) return request.voice;
  const region = locale.region;
  if (region === undefined || region === 'US' || configured.startsWith('b')) return configured;
  return BRITISH_VOICE;
}
