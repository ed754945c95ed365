import { ShowrunnerError, withContext } from '../errors.js';
import type { TtsPlugin } from '../plugin.js';

/**
 * Voices chosen by the demo's language, as one tts plugin: `{ en: kokoro(), '*': espeak() }` lets
 * Kokoro speak English demos and eSpeak NG every other language. A key matches a language tag
 * exactly first (`pt-BR`), then by its primary language (`en` matches `en-GB`), then `*`.
 */
export type VoicesByLanguage = Record<string, TtsPlugin>;

/** The language a SpeechInput without one is spoken in. */
const DEFAULT_LANGUAGE = 'en';

/**
 * One tts plugin that hands each line to the plugin for its language. Put it in the `tts` slot; core
 * calls `run` serially per run, like any tts plugin. A language no key matches (and no `*`) fails with
 * SR_TTS_LANGUAGE naming the languages it has; an error from the chosen plugin keeps that plugin's name.
 */
export function voicesByLanguage(voices: VoicesByLanguage): TtsPlugin {
  const keys = Object.keys(voices);
  if (!keys.length) throw new ShowrunnerError('SR_CONFIG_INVALID', 'voicesByLanguage needs at least one voice', { slot: 'tts' });
  const byKey = new Map(keys.map((key) => [key.toLowerCase(), voices[key]!]));
  const plugins = [...new Set(Object.values(voices))];

  const choose = (language = DEFAULT_LANGUAGE): TtsPlugin => {
    const tag = language.toLowerCase();
    const found = byKey.get(tag) ?? byKey.get(tag.split('-')[0]!) ?? byKey.get('*');
    if (found) return found;
    throw new ShowrunnerError(
      'SR_TTS_LANGUAGE',
      `No voice is set for the language "${language}": voices are set for ${keys.join(', ')}.`,
      {
        field: 'language',
        hint: `Add "${tag.split('-')[0]}" or "*" to voicesByLanguage in the tts slot.`,
      },
    );
  };

  return {
    name: 'showrunner:voices-by-language',
    stage: 'tts',
    // Every voice's own fingerprint, so changing any of them changes the cache keys.
    fingerprint: keys.map((key) => `${key}=${voices[key]!.name}@${voices[key]!.fingerprint}`).join(';'),
    async run(input, ctx) {
      const plugin = choose(input.language);
      try {
        return await plugin.run(input, ctx);
      } catch (err) {
        throw withContext(err, { stage: 'tts', plugin: plugin.name }, 'SR_TTS_FAILED');
      }
    },
    async release(runId) {
      await Promise.all(plugins.map((p) => p.release?.(runId)));
    },
    async close() {
      await Promise.all(plugins.map((p) => p.close?.()));
    },
  };
}
