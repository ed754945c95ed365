import { closest, type ErrorWhere, ShowrunnerError } from '@showrunner/core';
import { type VoiceCatalog, voiceCode } from './voices.js';

/** Resolutions per catalog: the catalog is read from the engine once, so each language is looked up once. */
const resolved = new WeakMap<VoiceCatalog, Map<string, string | undefined>>();

/**
 * The eSpeak NG language code that speaks a BCP 47 tag (`zh-Hans` → `cmn`, `pt-BR` → `pt-br`,
 * `en-GB` → `en-gb`, `es-MX` → `es-mx`, `de-AT` → `de`), or undefined when no voice of `catalog`
 * does. Region-aware: the most specific code a voice lists wins, then the bare language. Chinese is
 * Mandarin (`cmn`) except Hong Kong and Macau (`yue`, Cantonese), since every `zh` voice claims `zh`.
 */
export function languageVoice(tag: string, catalog: VoiceCatalog): string | undefined {
  const cache = resolved.get(catalog) ?? new Map<string, string | undefined>();
  resolved.set(catalog, cache);
  const key = tag.trim().toLowerCase().replace(/_/g, '-');
  if (!cache.has(key)) cache.set(key, lookup(key, catalog));
  return cache.get(key);
}

function lookup(key: string, catalog: VoiceCatalog): string | undefined {
  const codes = new Set(catalog.voices.flatMap((v) => v.languages.map((l) => l.toLowerCase())));
  for (const candidate of candidates(key)) if (codes.has(candidate)) return candidate;
  // Only regional voices for this language (Cherokee is `chr-US-Qaaa-x-west`): the shortest code.
  const primary = `${key.split('-')[0]}-`;
  return [...codes].filter((c) => c.startsWith(primary)).sort((a, b) => a.length - b.length)[0];
}

/** Codes to try, most specific first: the tag as written, language-region, language-script, language. */
function candidates(key: string): string[] {
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(key);
  } catch {
    return [key];
  }
  // Intl canonicalizes aliases: iw → he, cmn → zh, in → id.
  const language = locale.language;
  const region = locale.region?.toLowerCase();
  const script = locale.script?.toLowerCase();
  if (language === 'zh' || language === 'yue') {
    const cantonese = language === 'yue' || region === 'hk' || region === 'mo' || key.startsWith('zh-yue');
    return cantonese ? ['yue', 'cmn'] : ['cmn'];
  }
  const out = [key];
  if (region) out.push(`${language}-${region}`);
  if (script) out.push(`${language}-${script}`);
  out.push(language);
  if (language === 'no') out.push('nb');
  return [...new Set(out)];
}

/**
 * The voice for a line: the demo's own voice wins; else the plugin's voice when it speaks `language`
 * (or no language was given); else the language's voice, keeping the plugin voice's variant
 * (`en-us+f3` and `zh` → `cmn+f3`). Throws SR_TTS_LANGUAGE naming the language, the line and
 * close alternatives when no voice speaks it. Called by `speak` before each clip.
 */
export function pickVoice(
  request: { voice?: string; language?: string; text: string },
  configured: string,
  catalog: VoiceCatalog,
  where: ErrorWhere,
): { voice?: string; byLanguage: boolean } {
  if (request.voice !== undefined || request.language === undefined) return { voice: request.voice, byLanguage: false };
  const code = languageVoice(request.language, catalog);
  if (code === undefined) throw unspoken(request.language, request.text, catalog, where);
  const [base = '', variant] = configured.split('+');
  const own = catalog.voices.find((v) => v.id.toLowerCase() === base.toLowerCase() || v.languages.includes(base.toLowerCase()));
  if (own?.languages.includes(code)) return { voice: configured, byLanguage: false };
  return { voice: variant ? `${code}+${variant}` : code, byLanguage: true };
}

function unspoken(language: string, text: string, catalog: VoiceCatalog, where: ErrorWhere): ShowrunnerError {
  const primary = language.toLowerCase().split(/[-_]/)[0] ?? '';
  const all = [...new Set(catalog.voices.flatMap((v) => v.languages))];
  const near = [...new Set([...all.filter((l) => l.startsWith(`${primary}-`)), ...closest(primary, all)])].slice(0, 5);
  const line = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  return new ShowrunnerError(
    'SR_TTS_LANGUAGE',
    `No eSpeak NG voice speaks the demo's language "${language}" (narration ${line}).` +
      (near.length ? ` Close ones: ${near.join(', ')}.` : ''),
    {
      ...where,
      field: 'language',
      hint: `Set the demo's language to one eSpeak NG speaks (${catalog.voices.length} voices, e.g. ${[
        ...new Set(catalog.voices.map(voiceCode)),
      ]
        .filter((c) => ['en-us', 'cmn', 'es', 'ar', 'fr-fr', 'de', 'ja', 'hi'].includes(c))
        .join(', ')}; listVoices() lists them all), or give the demo a "voice".`,
    },
  );
}
