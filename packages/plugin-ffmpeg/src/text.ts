// Text from a demo, a model or a page reaches ffmpeg's metadata, the caption files and the title
// cards. These helpers make it plain text first; each format's own escaping comes after.

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/g;

/**
 * U+2060 WORD JOINER: zero-width and not a break opportunity. Players and libass draw nothing for
 * it (libass skips U+2060..U+2063), so it is placed inside markup-like sequences (`{\`, `<b>`,
 * `\N`, `-->`) to keep their characters on screen as typed.
 */
export const WJ = '\u2060';

/**
 * One line of plain text: every control character (`\r`, `\0`, `\n`, escapes...) becomes a space,
 * runs of whitespace become one space, and the ends are trimmed. For titles, chapter names and
 * caption text before they are escaped for their format.
 */
export function plainText(text: string): string {
  return text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** True when `text` holds a C0 control character or DEL (which end lines in ffmpeg's text formats). */
export const hasLineControl = (text: string): boolean => /[\x00-\x1f\x7f]/.test(text);
