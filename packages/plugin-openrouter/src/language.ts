// The demo's narration language, for the prompt (its English name) and for a cheap check of the
// reply: a language written in its own script must show that script in every narration line.

/** Scripts by BCP 47 script subtag, and the languages whose usual script is not Latin. */
const BY_SCRIPT: Record<string, RegExp> = {
  hans: /\p{Script=Han}/u,
  hant: /\p{Script=Han}/u,
  hani: /\p{Script=Han}/u,
  jpan: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u,
  kore: /[\p{Script=Hangul}\p{Script=Han}]/u,
  hang: /\p{Script=Hangul}/u,
  arab: /\p{Script=Arabic}/u,
  hebr: /\p{Script=Hebrew}/u,
  cyrl: /\p{Script=Cyrillic}/u,
  grek: /\p{Script=Greek}/u,
};
const BY_LANGUAGE: Record<string, string> = {
  zh: 'hans',
  ja: 'jpan',
  ko: 'kore',
  ar: 'arab',
  fa: 'arab',
  ur: 'arab',
  he: 'hebr',
  yi: 'hebr',
  ru: 'cyrl',
  uk: 'cyrl',
  be: 'cyrl',
  bg: 'cyrl',
  el: 'grek',
};
const SCRIPT_NAMES: Record<string, string> = {
  hans: 'Han characters',
  hant: 'Han characters',
  hani: 'Han characters',
  jpan: 'Japanese script (kanji or kana)',
  kore: 'Hangul',
  hang: 'Hangul',
  arab: 'Arabic script',
  hebr: 'Hebrew script',
  cyrl: 'Cyrillic',
  grek: 'Greek script',
};

/** `zh` → `Chinese (zh)`, `pt-BR` → `Brazilian Portuguese (pt-BR)`; the tag alone if the runtime has no name for it. */
export function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag;
  }
}

/**
 * A check that a line is written in `tag`'s script, or undefined where that is not cheap to tell
 * (Latin-script languages, a Latin script subtag, tags it does not know). Called by the reply checks.
 */
export function scriptCheck(tag: string | undefined): { test: (text: string) => boolean; issue: string } | undefined {
  if (!tag) return undefined;
  const [primary = '', ...rest] = tag.toLowerCase().split('-');
  const subtag = rest.find((s) => /^[a-z]{4}$/.test(s));
  const script = subtag ?? BY_LANGUAGE[primary];
  const pattern = script ? BY_SCRIPT[script] : undefined;
  if (!script || !pattern) return undefined;
  return {
    test: (text) => pattern.test(text),
    issue: `it is not in ${languageName(tag)}: write it in that language, with ${SCRIPT_NAMES[script]}`,
  };
}
