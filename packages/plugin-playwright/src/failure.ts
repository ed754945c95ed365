import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type ErrorCode, redactUrl, ShowrunnerError, type StageContext, type Step } from '@showrunner/core';
import type { Page } from 'playwright-core';
import { maskedSnapshot } from './mask.js';
import { SENSITIVE_ATTR } from './overlay.js';
import type { Secrets } from './secrets.js';
import { abortable, isGone } from './util.js';

/** A classified step error: `fatal` ends the recording at once, `retryable` may be retried silently. */
export interface Classified {
  error: ShowrunnerError;
  fatal: boolean;
  retryable: boolean;
}

const FATAL: ErrorCode[] = [
  'SR_BROWSER_CRASHED',
  'SR_ABORTED',
  'SR_SECRET_MISSING',
  'SR_SECRET_REFUSED',
  'SR_BROWSER_NOT_FOUND',
  'SR_LIMIT_EXCEEDED',
];
const RETRYABLE: ErrorCode[] = ['SR_STEP_TIMEOUT', 'SR_STEP_NAVIGATION'];

/**
 * Turn whatever a step attempt threw into a coded error naming the step, with secrets scrubbed.
 * `stopped` is why the attempt was cut short (cancel, deadline, refused navigation, crash); it wins
 * over the symptom the action threw. Called by the step runner for every failed attempt.
 */
export function classify(
  err: unknown,
  where: { index: number; step: Step; plugin: string },
  secrets: Secrets,
  stopped?: ShowrunnerError,
): Classified {
  const stepRef = { index: where.index, id: where.step.id };
  const scope = { stage: 'record' as const, plugin: where.plugin, step: stepRef };

  let error: ShowrunnerError;
  const known = stopped ?? (err instanceof ShowrunnerError ? err : undefined);
  if (known) {
    error = known;
    for (const [k, v] of Object.entries(scope))
      if (error[k as keyof typeof scope] === undefined) Object.assign(error, { [k]: v });
  } else {
    const raw = secrets.redactError(err instanceof Error ? err : new Error(String(err)));
    const message = raw.message.split('\n').slice(0, 4).join('\n');
    const code = codeOf(raw, where.step);
    error = new ShowrunnerError(code, `Step ${where.index + 1} ("${where.step.id}", ${where.step.action}) failed: ${message}`, {
      ...scope,
      cause: raw,
      hint: HINTS[code],
    });
  }
  secrets.redactError(error);
  return { error, fatal: FATAL.includes(error.code), retryable: RETRYABLE.includes(error.code) };
}

function codeOf(err: Error, step: Step): ErrorCode {
  const m = err.message;
  if (isGone(err)) return 'SR_BROWSER_CRASHED';
  if (/net::ERR_|NS_ERROR_|Navigation failed|navigation to .* (was )?interrupted|frame was detached/i.test(m))
    return 'SR_STEP_NAVIGATION';
  if (err.name === 'TimeoutError' || /Timeout \d+ms exceeded/.test(m)) {
    return step.action === 'goto' ? 'SR_STEP_NAVIGATION' : 'SR_STEP_TIMEOUT';
  }
  return 'SR_STEP_INVALID';
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  SR_STEP_TIMEOUT:
    'The element was found but the action did not complete (covered, disabled or moving?). Retry, skip or replace the step.',
  SR_STEP_NAVIGATION: 'Check the URL and that the app is running and reachable from this machine.',
  SR_STEP_INVALID: 'The step cannot be performed as written (wrong key name, or an element that does not accept this action).',
  SR_BROWSER_CRASHED: 'The run folder is kept: resume it to record again from the first step with a fresh browser.',
};

/** What a person (or CI) gets to decide on a failed step: a screenshot and the page's ARIA tree. */
export interface Evidence {
  screenshot?: string;
  pageUrl?: string;
  snapshot?: string;
}

/** Fields a screenshot covers with a flat box: password fields and everything marked sensitive. */
const COVERED = `input[type="password" i], [${SENSITIVE_ATTR}]`;

/**
 * Save a PNG of the page under `<stage dir>/failures/` with password and sensitive fields covered
 * (by Playwright, so page CSS cannot undo it), and take the page's masked ARIA snapshot; the page
 * URL comes with its query values redacted. Never throws but for a cancel (`signal`): evidence is a
 * courtesy. Called by the step runner while the recording clock is paused.
 */
export async function gatherEvidence(
  page: Page,
  ctx: StageContext,
  name: string,
  secrets: Secrets,
  signal: AbortSignal,
): Promise<Evidence> {
  const evidence: Evidence = { pageUrl: redactUrl(page.url()) };
  try {
    const dir = path.join(ctx.dir, 'failures');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await abortable(page.screenshot({ path: file, timeout: 5_000, mask: [page.locator(COVERED)], maskColor: '#8a8f98' }), signal);
    evidence.screenshot = await ctx.artifact(file, 'failure-screenshot');
  } catch {
    // No screenshot (page gone or busy): the decision can still be made from the error.
  }
  signal.throwIfAborted();
  try {
    evidence.snapshot = await abortable(maskedSnapshot(page, secrets), signal);
  } catch {
    // Same: a failure without a snapshot is still a failure to decide on.
  }
  signal.throwIfAborted();
  return evidence;
}
