import { ShowrunnerError } from '../errors.js';

/**
 * Every size and time limit Showrunner enforces, in one place. They hold for trusted and untrusted
 * runs alike (generous for a person at a terminal, firm for strangers on a server); an input over
 * one fails with SR_LIMIT_EXCEEDED naming the limit and its value. Schemas, the script parser, the
 * recorder and the planner read them from here.
 */
export const LIMITS = {
  /** Steps in one demo (replacement steps included). */
  steps: 200,
  /** Characters of a step id (ids name files, so they are short and safe). */
  stepIdChars: 64,
  /** Characters of one step's narration line. */
  narrationChars: 1_000,
  /** Characters of a step value (text typed, URL, key, option). */
  valueChars: 10_000,
  /** Characters of one target field (name, label, css, ...). */
  targetChars: 1_000,
  /** Characters of a demo title or step title. */
  titleChars: 200,
  /** Characters of a demo or plan description (prose or script). */
  descriptionChars: 20_000,
  /** Characters of one line of the offline script. */
  scriptLineChars: 2_000,
  /** Characters of a URL. */
  urlChars: 2_048,
  /** Longest `wait` step, in ms. */
  waitMs: 120_000,
  /** Bytes of a demo file (JSON, YAML) read from disk or an upload. */
  demoFileBytes: 1_000_000,
  /** Wall time of one recording attempt, in ms, pauses for decisions excluded. */
  recordingMs: 20 * 60_000,
  /** Bytes of captured frames one recording may write. */
  capturedBytes: 4 * 1024 ** 3,
  /** Bytes of one reply from a model server. */
  modelReplyBytes: 2_000_000,
  /** Tokens a model may generate for one reply (sent as max_tokens). */
  modelMaxTokens: 8_192,
} as const;

export type LimitName = keyof typeof LIMITS;

/** The message for a value over a limit: `over the limit steps = 200`. Used by schemas and checks alike. */
export function overLimit(name: LimitName, unit = ''): string {
  return `over the limit ${name} = ${LIMITS[name]}${unit}`;
}

/**
 * Throw SR_LIMIT_EXCEEDED when `actual` is over the named limit. `what` says what was measured
 * (e.g. `demo file demos/big.demo.json`); `where` adds the file, step or field.
 */
export function checkLimit(
  name: LimitName,
  actual: number,
  what: string,
  where: ConstructorParameters<typeof ShowrunnerError>[2] = {},
): void {
  const limit = LIMITS[name];
  if (actual <= limit) return;
  throw new ShowrunnerError('SR_LIMIT_EXCEEDED', `${what} is ${actual}, ${overLimit(name)}.`, {
    field: name,
    ...where,
    hint: where.hint ?? `Keep it within ${limit}.`,
  });
}
