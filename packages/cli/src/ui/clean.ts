// Text from a page, a model or a demo file reaches the terminal in error messages, step cards and
// progress lines. Escape sequences in it could retitle the window (OSC), clear the screen (CSI),
// move the cursor over earlier lines, or (in some terminals) write to the clipboard; a lone \r
// overwrites the line it is on. `clean` removes all of it and keeps \n and \t.

/** OSC, DCS, SOS, PM and APC strings (7-bit and 8-bit introducers), up to their terminator or line end. */
const STRING_SEQUENCE = /(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?/g;
/** CSI sequences: ESC [ or 8-bit CSI, parameters, intermediates, final byte. */
const CSI = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?/g;
/** Other escapes: ESC, intermediates, one final byte (ESC c, ESC 7, ESC ( B...). */
const ESCAPE = /\x1b[ -/]*[0-~]?/g;
/** Every remaining C0 control except \t and \n, DEL, and every C1 control. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * `text` without terminal control: escape sequences removed whole, other control characters
 * dropped, `\r\n` kept as `\n` and a lone `\r` dropped. Pure; call it on anything printed that did
 * not come from the CLI's own strings.
 */
export function clean(text: string): string {
  return text.replace(STRING_SEQUENCE, '').replace(CSI, '').replace(ESCAPE, '').replace(/\r\n/g, '\n').replace(CONTROL, '');
}
