import { hasLineControl, plainText } from '../text.js';

/**
 * Small typed builders for ffmpeg argument arrays and filtergraph text. Every value that reaches a
 * filtergraph goes through {@link escapeFilterValue}, so paths and texts with quotes, colons or
 * commas need no care at the call site. Called by the graph and extras builders; pure functions.
 */

/** A filter option value: numbers are written as is, strings are escaped. */
export type FilterValue = string | number;
/** Named options (`key=value`) of one filter; undefined entries are left out. */
export type FilterOptions = Record<string, FilterValue | undefined>;

/**
 * Escape a value for both levels ffmpeg parses: the filter's option list (`:` separates options)
 * and the filtergraph (`,` `;` `[` `]` separate filters and links). Each level unescapes `\x`.
 */
export function escapeFilterValue(value: FilterValue): string {
  if (typeof value === 'number') return formatNumber(value);
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** A number without exponent notation and with at most 6 decimals (ffmpeg expressions accept this). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const text = Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/\.?0+$/, '');
  return text === '-0' ? '0' : text;
}

/** One filter: `name=k=v:k2=v2`, or `name=v1:v2` for positional values. */
export function filter(name: string, options?: FilterOptions | FilterValue[]): string {
  if (!options) return name;
  const parts = Array.isArray(options)
    ? options.map(escapeFilterValue)
    : Object.entries(options)
        .filter((entry): entry is [string, FilterValue] => entry[1] !== undefined)
        .map(([key, value]) => `${key}=${escapeFilterValue(value)}`);
  return parts.length ? `${name}=${parts.join(':')}` : name;
}

/** A linear chain `[in1][in2]f1,f2[out]`: labels without brackets. */
export function chain(inputs: string[], filters: string[], outputs: string[]): string {
  const label = (names: string[]) => names.map((n) => `[${n}]`).join('');
  return `${label(inputs)}${filters.join(',')}${label(outputs)}`;
}

/** A whole filtergraph from its chains. */
export const graph = (chains: string[]): string => chains.join(';\n');

/**
 * `-i` for a file of the run folder, read as `format` and through the `file` protocol only: the
 * files nested in it (concat entries) may then be neither URLs nor `data:`/`crypto:` ones.
 */
export function runFile(file: string, format: string, options: string[] = []): string[] {
  return ['-protocol_whitelist', 'file', '-f', format, ...options, '-i', file];
}

/**
 * ffmetadata value: control characters become spaces first (ffmpeg ends a line at `\n` or `\r`
 * and a value at `\0`, so they could add keys or chapters), then `=`, `;`, `#` and `\` get a
 * backslash.
 */
export const escapeMetadata = (value: string): string => plainText(value).replace(/[=;#\\]/g, (c) => `\\${c}`);

/**
 * A path inside an ffconcat `file '...'` line: single-quoted, a quote written as `'\''`. The
 * demuxer reads the script line by line, so a path with a line break or another control character
 * could add directives: refused (the merge checks frame paths first, with a coded error).
 */
export function quoteConcatPath(file: string): string {
  if (hasLineControl(file)) throw new RangeError(`concat path with a control character: ${JSON.stringify(file)}`);
  return `'${file.replace(/'/g, `'\\''`)}'`;
}

/** `#rrggbb` or `rrggbb` → ffmpeg colour `0xRRGGBB`. */
export const ffColor = (hex: string): string => `0x${hex.replace(/^#/, '').toUpperCase()}`;
