import path from 'node:path';
import { ShowrunnerError } from '../errors.js';

/**
 * Ids that name files and folders (step ids → `<id>.wav`, run ids → the run folder): letters and
 * digits of any script, `.`, `_` and `-`, starting with a letter or digit, so `..`, `/`, `\`, NUL
 * and leading dots can never form a path. Shared by the demo schema and the run store.
 */
export const SAFE_ID = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}._-]*$/u;

/** What SAFE_ID means, for error messages. */
export const SAFE_ID_RULE = 'letters, digits, ".", "_" and "-", starting with a letter or digit';

/** Throw SR_RUN_INVALID unless `id` is a safe run id (it names the run folder). */
export function checkRunId(id: string): string {
  if (id.length <= 128 && SAFE_ID.test(id) && !id.includes('..')) return id;
  throw new ShowrunnerError('SR_RUN_INVALID', `"${id.slice(0, 80)}" is not a valid run id (${SAFE_ID_RULE}, at most 128).`, {
    field: 'runId',
  });
}

/**
 * `base` joined with `parts`, or SR_PATH_OUTSIDE when the result leaves `base` (`..`, an absolute
 * part, a NUL byte). Every path core builds from data (step ids, run-relative paths in outputs) goes
 * through it before anything is written or read.
 */
export function safeJoin(base: string, ...parts: string[]): string {
  const root = path.resolve(base);
  const joined = path.resolve(root, ...parts);
  const inside = joined === root || joined.startsWith(root + path.sep);
  if (inside && !parts.some((p) => p.includes('\0'))) return joined;
  throw new ShowrunnerError('SR_PATH_OUTSIDE', `${JSON.stringify(parts.join('/').slice(0, 200))} points outside ${root}.`, {
    file: root,
    hint: 'Paths in a run are relative to its folder and stay inside it.',
  });
}

/** Longest slug: code points (readable) and UTF-8 bytes (a run folder `<slug>-<time>-<hex>` stays far under 255). */
const SLUG_CHARS = 60;
const SLUG_BYTES = 180;

/**
 * `My Demo: Sign-up!` → `my-demo-sign-up`; `产品演示：登录` → `产品演示-登录`. Accents are dropped from
 * Latin letters (other scripts keep their marks); letters, marks and digits of every script are kept
 * (NFC), anything else (separators, punctuation, control characters) becomes `-`. At most 60 characters
 * and 180 UTF-8 bytes, cut between characters; starts with a letter or digit (a safe id); names that
 * Windows reserves (`con`, `nul`, `com1` …) get `-demo`. Names output folders and run ids readably;
 * never empty (`demo`).
 */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^[-\p{M}]+|-+$/gu, '');
  let out = '';
  let bytes = 0;
  for (const c of [...slug].slice(0, SLUG_CHARS)) {
    bytes += Buffer.byteLength(c);
    if (bytes > SLUG_BYTES) break;
    out += c;
  }
  out = out.replace(/-+$/, '');
  if (/^(?:con|prn|aux|nul|com\d|lpt\d)$/.test(out)) return `${out}-demo`;
  return out || 'demo';
}
