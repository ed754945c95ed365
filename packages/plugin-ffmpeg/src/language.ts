import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { iso6392 } from 'iso-639-2';

const run = promisify(execFile);

/**
 * The ISO 639-2 code that mp4 stream metadata wants (`zh` → `zho`, `pt-BR` → `por`, `ar` → `ara`),
 * from the demo's BCP 47 language; `eng` when there is none, `und` when the tag names no ISO 639-2
 * language. Terminology codes where they differ from the bibliographic ones (`zho`, not `chi`),
 * as ffmpeg's mov muxer writes them.
 */
export function iso639_2(tag: string | undefined): string {
  if (!tag) return 'eng';
  let language: string;
  try {
    language = new Intl.Locale(tag).language; // canonical: cmn → zh, iw → he
  } catch {
    return 'und';
  }
  const entry = iso6392.find((e) => e.iso6391 === language || e.iso6392B === language || e.iso6392T === language);
  return entry ? (entry.iso6392T ?? entry.iso6392B) : 'und';
}

/** Han, kana and Hangul: text that needs a CJK font. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** Arabic, Hebrew and the other scripts written right to left. */
const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

/** Whether `text` holds right-to-left letters (the captions then rely on libass's bidi and shaping). */
export const hasRtl = (text: string): boolean => RTL.test(text);

/**
 * The fontconfig language to find caption glyphs for: the demo's language, except that CJK text in
 * a demo of another language asks for Chinese, and Chinese picks its regional forms
 * (`zh-TW`/`zh-Hant` → `zh-tw`, `zh-HK` → `zh-hk`, else `zh-cn`).
 */
export function fontLanguage(tag: string | undefined, text: string): string {
  let locale: Intl.Locale | undefined;
  try {
    locale = tag ? new Intl.Locale(tag) : undefined;
  } catch {
    locale = undefined;
  }
  const language = locale?.language ?? 'en';
  const cjk = ['zh', 'ja', 'ko', 'yue'].includes(language);
  if (!cjk && CJK.test(text)) return 'zh-cn';
  if (language === 'zh' || language === 'yue') {
    if (locale?.region === 'HK' || locale?.region === 'MO' || language === 'yue') return 'zh-hk';
    return locale?.region === 'TW' || locale?.script === 'Hant' ? 'zh-tw' : 'zh-cn';
  }
  return language;
}

/** The regional face of Noto Sans CJK for each fontconfig language (the glyph shapes differ by region). */
const CJK_FACE: Record<string, string> = {
  'zh-cn': 'SC',
  'zh-sg': 'SC',
  'zh-tw': 'TC',
  'zh-hk': 'HK',
  'zh-mo': 'HK',
  ja: 'JP',
  ko: 'KR',
};

/** What {@link captionFont} found: the family libass is told to use, or why there is none. */
export type CaptionFont = { family: string } | { family?: undefined; problem: string };

/**
 * The font family for burned-in captions in `lang` (fontconfig's language, see {@link fontLanguage}):
 * DejaVu Sans when it covers the language (the look of the English captions), else the first sans
 * face fontconfig lists for it (Noto Sans CJK SC for `zh-cn`). Reads `fc-list :lang=<lang>` once per
 * merge; `env` lets a test point fontconfig elsewhere. libass still falls back per glyph, through
 * fontconfig, for characters the family lacks.
 */
export async function captionFont(lang: string, env: NodeJS.ProcessEnv = process.env): Promise<CaptionFont> {
  let listed: string;
  try {
    listed = (await run('fc-list', [`:lang=${lang}`, 'family'], { env, encoding: 'utf8' })).stdout;
  } catch (err) {
    return { problem: `fc-list could not be run (${(err as Error).message}); libass picks fonts itself` };
  }
  const families = [...new Set(listed.split('\n').map((line) => line.split(',')[0]!.trim()))].filter(Boolean).sort();
  if (!families.length)
    return { problem: `no installed font has glyphs for language "${lang}" (fc-list :lang=${lang} is empty)` };
  const sans = families.filter((f) => /sans/i.test(f) && !/mono/i.test(f));
  const family =
    families.find((f) => f === 'DejaVu Sans') ??
    sans.find((f) => f === `Noto Sans CJK ${CJK_FACE[lang]}`) ??
    sans.find((f) => /^Noto Sans CJK/.test(f)) ??
    sans.find((f) => /^Noto Sans/.test(f)) ??
    sans[0] ??
    families[0]!;
  return { family };
}
