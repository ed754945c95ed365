import type * as z from 'zod';
import { ShowrunnerError } from './errors.js';
import { type Demo, DemoSchema, URL_REFUSED } from './schema/demo.js';

/** Zod issues as readable lines (`steps[3].value: a "fill" step needs a value`) plus the first field. */
export function formatIssues(error: z.ZodError): { message: string; field?: string; path?: PropertyKey[] } {
  const lines = error.issues.map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  const first = error.issues[0];
  return { message: lines.join('\n'), field: first ? formatPath(first.path) || undefined : undefined, path: first?.path };
}

function formatPath(parts: readonly PropertyKey[]): string {
  return parts.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out ? `${out}.${String(part)}` : String(part);
  }, '');
}

/**
 * Validate demo data (from a JSON/YAML/TS file, the parse stage or the web app). Throws SR_DEMO_INVALID
 * naming the file, the step index and the field.
 */
export function parseDemo(data: unknown, file?: string): Demo {
  const result = DemoSchema.safeParse(data);
  if (result.success) return result.data;
  const { message, field, path } = formatIssues(result.error);
  const first = result.error.issues[0]?.message ?? '';
  const code = first.includes('over the limit')
    ? 'SR_LIMIT_EXCEEDED'
    : first.startsWith(URL_REFUSED)
      ? 'SR_URL_REFUSED'
      : 'SR_DEMO_INVALID';
  const index = path?.[0] === 'steps' && typeof path[1] === 'number' ? path[1] : undefined;
  const rawSteps = (data as { steps?: unknown } | null)?.steps;
  const id = index !== undefined && Array.isArray(rawSteps) ? (rawSteps[index] as { id?: unknown })?.id : undefined;
  throw new ShowrunnerError(code, `${file ? `${file}: ` : ''}invalid demo\n${message}`, {
    file,
    field,
    step: index === undefined ? undefined : { index, id: typeof id === 'string' ? id : undefined },
  });
}
