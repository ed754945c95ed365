import type { Engine } from './engine.js';

/**
 * A short greeting per Unicode script. A voice that cannot read a script either names each
 * character ("Chinese letter", "Hebrew shin") or spells the word letter by letter; probing these
 * samples tells the two apart without a hand-kept table of which language reads which script.
 * `spaced`: the script separates words with spaces, so letter-by-letter spelling shows up as many
 * more phoneme words than text words.
 */
const SAMPLES: Record<string, { text: string; spaced: boolean }> = {
  Arabic: { text: 'مرحبا بالعالم', spaced: true },
  Armenian: { text: 'բարեւ աշխարհ', spaced: true },
  Bengali: { text: 'নমস্কার', spaced: true },
  Braille: { text: '⠃⠗⠁⠊⠇⠇⠑', spaced: false },
  Cherokee: { text: 'ᎣᏏᏲ', spaced: true },
  Cyrillic: { text: 'привет мир', spaced: true },
  Devanagari: { text: 'नमस्ते दुनिया', spaced: true },
  Ethiopic: { text: 'ሰላም ለዓለም', spaced: true },
  Georgian: { text: 'გამარჯობა', spaced: true },
  Greek: { text: 'καλημέρα κόσμε', spaced: true },
  Gujarati: { text: 'નમસ્તે', spaced: true },
  Gurmukhi: { text: 'ਸਤਿ ਸ੍ਰੀ', spaced: true },
  Han: { text: '你好世界', spaced: false },
  Hangul: { text: '안녕하세요', spaced: true },
  Hebrew: { text: 'שלום עולם', spaced: true },
  Hiragana: { text: 'こんにちは', spaced: false },
  Kannada: { text: 'ನಮಸ್ಕಾರ', spaced: true },
  Katakana: { text: 'カタカナ', spaced: false },
  Khmer: { text: 'សួស្តី', spaced: false },
  Lao: { text: 'ສະບາຍດີ', spaced: false },
  Malayalam: { text: 'നമസ്കാരം', spaced: true },
  Myanmar: { text: 'မင်္ဂလာပါ', spaced: false },
  Oriya: { text: 'ନମସ୍କାର', spaced: true },
  Sinhala: { text: 'ආයුබෝවන්', spaced: true },
  Syriac: { text: 'ܫܠܡܐ', spaced: true },
  Tamil: { text: 'வணக்கம்', spaced: true },
  Telugu: { text: 'నమస్కారం', spaced: true },
  Thaana: { text: 'ދިވެހި', spaced: true },
  Thai: { text: 'สวัสดีครับ', spaced: false },
  Tibetan: { text: 'བཀྲ་ཤིས', spaced: false },
};

/** One regular expression per probed script, e.g. `\p{Script=Han}`. */
export const SCRIPT_PATTERNS: ReadonlyMap<string, RegExp> = new Map(
  Object.keys(SAMPLES).map((script) => [script, new RegExp(`\\p{Script=${script}}`, 'u')]),
);

const memo = new WeakMap<Engine, Map<string, boolean>>();

/**
 * Whether `voice` reads `script` as words, rather than naming or spelling its characters; the text
 * preparer leaves out characters of scripts it cannot read. Asked only for scripts that occur in a
 * line, so Latin narration never probes. One phonemizer call per voice and script (memoized per
 * engine); selects `voice` on the engine. Called serially by the plugin while preparing a clip.
 */
export function readsScript(engine: Engine, voice: string, script: string): boolean {
  const known = memo.get(engine) ?? new Map<string, boolean>();
  memo.set(engine, known);
  const key = `${voice}\n${script}`;
  let result = known.get(key);
  if (result === undefined) {
    const sample = SAMPLES[script];
    engine.useVoice(voice);
    result = sample ? reads(engine.phonemes(sample.text), sample) : true;
    known.set(key, result);
  }
  return result;
}

/**
 * Read as words: at most 3 phonemes per letter (a character name such as "Chinese letter" takes 9
 * or more) and, for spaced scripts, at most 1.5 phoneme words per text word (spelling takes one per
 * letter). Measured on all 140 voices of this build: voices that read a script score at most 3 and
 * 1; the others above 3.3 or at 4.5 and more (English spelling Cyrillic: 1.8 phonemes per letter
 * but 4.5 words per word).
 */
function reads(phonemes: string, sample: { text: string; spaced: boolean }): boolean {
  const clean = phonemes.replace(/\([^)]*\)/g, ' ').replace(/[ˈˌ]/g, ''); // language switches, stress marks
  const count = clean.split(/[_\s]+/).filter(Boolean).length;
  const letters = Array.from(sample.text.replace(/\s/g, '')).length;
  if (count / letters > 3) return false;
  if (!sample.spaced) return true;
  const groups = clean.split(/\s+/).filter((g) => /[^_]/.test(g)).length;
  return groups / sample.text.split(/\s+/).length <= 1.5;
}
