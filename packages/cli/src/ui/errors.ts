import { isShowrunnerError, ShowrunnerError } from '@showrunner/core';
import { clean } from './clean.js';

/** Exit codes: 0 ok, 1 the run failed, 2 usage or config error. */
export function exitCodeOf(err: unknown): 1 | 2 {
  return isShowrunnerError(err) && err.isUsage ? 2 : 1;
}

/**
 * A ShowrunnerError as lines a person reads: code and message, where it happened, what to do.
 * Messages quote pages, models and demo files, so the lines are cleaned of terminal control.
 */
export function formatError(err: unknown, debug = false): string {
  return clean(describe(err, debug));
}

function describe(err: unknown, debug: boolean): string {
  if (!isShowrunnerError(err)) {
    const e = err instanceof Error ? err : new Error(String(err));
    return `✖ Unexpected error: ${e.message}\n${e.stack ?? ''}\n  This is a bug in Showrunner or a plugin; please report it.`;
  }
  const lines = [`✖ ${err.code}  ${err.message}`];
  const where = [
    err.plugin && `plugin ${err.plugin}`,
    err.stage && `stage ${err.stage}`,
    err.hook && `hook ${err.hook}`,
    err.step && `step ${err.step.index + 1}${err.step.id ? ` (${err.step.id})` : ''}`,
    err.slot && `slot ${err.slot}`,
    err.field && `field ${err.field}`,
  ].filter(Boolean);
  if (where.length) lines.push(`  at ${where.join(' · ')}`);
  if (err.file && !err.message.includes(err.file)) lines.push(`  in ${err.file}`);
  if (err.hint) lines.push(`  → ${err.hint}`);
  if (debug && err.cause)
    lines.push(`  cause: ${err.cause instanceof Error ? (err.cause.stack ?? err.cause.message) : String(err.cause)}`);
  return lines.join('\n');
}

/** Commander usage errors become SR_USAGE so they exit 2 like other input errors. */
export function usageError(message: string): ShowrunnerError {
  return new ShowrunnerError('SR_USAGE', message.replace(/^error: /, ''), { hint: 'Run `showrunner --help` for usage.' });
}
