/**
 * Narration languages offered by the new-demo form (BCP 47 tag, name in English): each has an eSpeak NG
 * voice and caption fonts (fonts-noto-cjk, fonts-noto-core) from scripts/setup.sh.
 */
export const LANGUAGES: readonly (readonly [string, string])[] = [
  ['en', 'English'],
  ['en-GB', 'English (UK)'],
  ['de', 'German'],
  ['es', 'Spanish'],
  ['fr', 'French'],
  ['it', 'Italian'],
  ['pt-BR', 'Portuguese (Brazil)'],
  ['nl', 'Dutch'],
  ['pl', 'Polish'],
  ['sv', 'Swedish'],
  ['hi', 'Hindi'],
  ['ja', 'Japanese'],
  ['zh', 'Chinese (Mandarin)'],
  ['ko', 'Korean'],
  ['ru', 'Russian'],
  ['ar', 'Arabic'],
];
