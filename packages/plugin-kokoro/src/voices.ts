import { closest, ShowrunnerError } from '@showrunner/core';

export const PLUGIN_NAME = '@showrunner/plugin-kokoro';

/** The voice used when neither the options nor the demo name one. */
export const DEFAULT_VOICE = 'af_heart';

/**
 * Every voice kokoro-js 1.2.1 accepts (its `VOICES` table: American `a*`, British `b*`; `*f_` female,
 * `*m_` male). A copy, so a config can be checked without importing kokoro-js; a test keeps it equal
 * to kokoro-js's own list. The other voice files kokoro-js ships (`ef_dora`, `jf_alpha`, …) are
 * rejected by kokoro-js itself.
 */
export const KOKORO_VOICES: readonly string[] = Object.freeze([
  'af_heart',
  'af_alloy',
  'af_aoede',
  'af_bella',
  'af_jessica',
  'af_kore',
  'af_nicole',
  'af_nova',
  'af_river',
  'af_sarah',
  'af_sky',
  'am_adam',
  'am_echo',
  'am_eric',
  'am_fenrir',
  'am_liam',
  'am_michael',
  'am_onyx',
  'am_puck',
  'am_santa',
  'bf_emma',
  'bf_isabella',
  'bm_george',
  'bm_lewis',
  'bf_alice',
  'bf_lily',
  'bm_daniel',
  'bm_fable',
]);

/**
 * Throw SR_TTS_VOICE_UNKNOWN listing the valid voices unless `voice` is one of `known`. Called by the
 * factory for the `voice` option and by `run` for a demo's voice, before kokoro-js sees it (kokoro-js
 * would print a console.table of its voices to stdout and throw a plain Error).
 */
export function checkVoice(voice: string, where: { field?: string }, known: readonly string[] = KOKORO_VOICES): void {
  if (known.includes(voice)) return;
  const name = voice.toLowerCase();
  const near = [...new Set([...closest(name, known), ...known.filter((v) => v.slice(3) === name.replace(/^.*_/, ''))])];
  throw new ShowrunnerError('SR_TTS_VOICE_UNKNOWN', `Kokoro has no voice "${voice}". Valid voices: ${known.join(', ')}.`, {
    stage: 'tts',
    plugin: PLUGIN_NAME,
    field: where.field,
    hint: near.length
      ? `Did you mean ${near.map((v) => `"${v}"`).join(' or ')}?`
      : `Use one of the ${known.length} voices listed (a = American, b = British English; f = female, m = male), e.g. "${DEFAULT_VOICE}".`,
  });
}
