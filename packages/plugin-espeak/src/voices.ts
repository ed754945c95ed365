import { closest, type ErrorWhere, ShowrunnerError } from '@showrunner/core';

/** One eSpeak NG voice: its file identifier (`gmw/en-US`), display name and language codes. */
export interface VoiceInfo {
  id: string;
  name: string;
  /** Language codes, most specific first (`en-us`, `en`). The first one names the voice. */
  languages: string[];
}

/** Everything a `voice` option may name: voices, and variants added with `+` (`en-us+f3`). */
export interface VoiceCatalog {
  voices: VoiceInfo[];
  variants: string[];
}

/** The language code that names a voice in lists and error messages. */
export const voiceCode = (voice: VoiceInfo): string => voice.languages[0] ?? voice.id;

/**
 * The canonical spelling of a voice name (`EN_us+F3` → `en-us+f3`), or SR_TTS_VOICE_UNKNOWN listing
 * the valid ones. Called when the plugin is created (against the bundled catalog) and before each
 * clip (against the engine's own list, which also checks a demo's `voice`).
 */
export function resolveVoice(name: string, catalog: VoiceCatalog, where: ErrorWhere = {}): string {
  const [rawBase = '', ...rest] = name.trim().split('+');
  const rawVariant = rest.join('+');
  const base = findBase(rawBase, catalog);
  if (!base) {
    const near = suggest(rawBase, catalog);
    throw new ShowrunnerError(
      'SR_TTS_VOICE_UNKNOWN',
      `Unknown eSpeak NG voice "${name}".${near.length ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''}` +
        ` Valid voices: ${codes(catalog).join(', ')}.`,
      {
        ...where,
        hint: 'Use a language code such as "en-us", "en-gb", "de" or "fr-fr", optionally with a variant ("en-us+f3"); listVoices() lists them all.',
      },
    );
  }
  if (rest.length === 0) return base;
  const variant = catalog.variants.find((v) => v.toLowerCase() === rawVariant.trim().toLowerCase());
  if (!variant) {
    throw new ShowrunnerError(
      'SR_TTS_VOICE_UNKNOWN',
      `Unknown eSpeak NG voice variant "+${rawVariant}" in "${name}". Valid variants: ${catalog.variants.join(', ')}.`,
      { ...where, hint: `Write the voice as "${base}" or with a listed variant, e.g. "${base}+f3".` },
    );
  }
  return `${base}+${variant}`;
}

/** Primary language codes of every voice, sorted: what error messages list. */
export function codes(catalog: VoiceCatalog): string[] {
  return [...new Set(catalog.voices.map(voiceCode))].sort();
}

function findBase(raw: string, catalog: VoiceCatalog): string | undefined {
  const key = raw.trim().toLowerCase().replace(/_/g, '-');
  if (!key) return undefined;
  for (const voice of catalog.voices) {
    if (voice.id.toLowerCase() === key) return voice.id;
    const code = voice.languages.find((l) => l.toLowerCase() === key);
    if (code) return code;
  }
  return undefined;
}

/** Up to three codes within edit distance 2, closest first. */
function suggest(raw: string, catalog: VoiceCatalog): string[] {
  return closest(
    raw.trim().replace(/_/g, '-'),
    catalog.voices.flatMap((v) => v.languages),
  );
}
