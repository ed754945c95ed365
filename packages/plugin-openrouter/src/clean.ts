/**
 * Model and server text with its control characters removed, so a reply cannot put terminal escapes
 * in a log line or a `\r`/NUL into a title that later lands in ffmpeg metadata, captions or a file.
 */

// Escape sequences first, so their parameters go with them: CSI `ESC [ … final` (and 8-bit CSI
// U+009B), OSC `ESC ] … BEL|ST`, then any other `ESC [ -/]* final` (ECMA-48: RIS `ESC c`, charset
// switches, and the introducer of an unterminated OSC or DCS, whose text is then left harmless).
// Then the lone C0 controls except \t and \n, DEL, and C1.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]/g;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** `text` without ANSI escape sequences and control characters other than tab and newline. */
export function clean(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '');
}

/**
 * Every string in parsed JSON cleaned, keys included (an unknown key is quoted back in issues and
 * logs). Called once per model reply, before the reply is checked.
 */
export function cleanDeep(value: unknown): unknown {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map(cleanDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), cleanDeep(v)]));
  }
  return value;
}
