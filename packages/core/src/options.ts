import type * as z from 'zod';
import { ShowrunnerError } from './errors.js';
import { formatIssues } from './validate.js';

/**
 * Check a plugin factory's options against its zod schema. Called by each plugin factory when the
 * config loads, so a bad option fails before any run: SR_CONFIG_INVALID naming the plugin, its slot
 * and the option, with a "did you mean" for a misspelled one.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  options: unknown,
  where: { plugin: string; slot: string },
): z.output<S> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const { message, field } = formatIssues(result.error);
  const unknown = result.error.issues.find((i) => i.code === 'unrecognized_keys');
  const known = 'shape' in schema && typeof schema.shape === 'object' && schema.shape ? Object.keys(schema.shape) : [];
  const near = unknown ? closest(String(unknown.keys[0]), known) : [];
  throw new ShowrunnerError('SR_CONFIG_INVALID', `${where.plugin}: invalid option\n${message}`, {
    ...where,
    field: field ?? unknown?.keys[0],
    hint: near.length ? `Did you mean "${near[0]}"?` : `See the options of ${where.plugin} in its README.`,
  });
}

/** Up to `max` candidates within edit distance 2 of `value` (case-insensitive), closest first: for "did you mean". */
export function closest(value: string, candidates: Iterable<string>, max = 3): string[] {
  const key = value.toLowerCase();
  return [...new Set(candidates)]
    .map((c) => ({ c, d: distance(key, c.toLowerCase()) }))
    .filter(({ d }) => d <= 2)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map(({ c }) => c);
}

/** Levenshtein distance (names here are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
