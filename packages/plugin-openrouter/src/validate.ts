import { DemoSchema, formatIssues, type Step } from '@showrunner/core';
import type * as z from 'zod';
import { clean, cleanDeep } from './clean.js';
import { PlanOut, type StepOut, StepsOut, toStepInput } from './format.js';
import { scriptCheck } from './language.js';
import { leavesSite } from './site.js';

/** Longest narration accepted: two short spoken sentences fit well inside it. */
export const MAX_NARRATION = 300;

/** A checked model reply, or the issues to quote back to the model in the repair round. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** What the model answers and how its steps are named and bounded. */
export interface CheckRules {
  /** The demo's start URL: every `goto` must stay on its origin. */
  startUrl: string;
  /** Ids for the steps, by position. */
  id: (index: number) => string;
  maxSteps: number;
  /** Links on the page that lead off the site, by accessible name (see {@link offSiteLinks}). */
  offSite?: Map<string, string>;
  /** The demo's language (BCP 47): narration and title must be in its script where that is cheap to check. */
  language?: string;
}

/**
 * Check a whole plan (`run`): JSON, the model-facing shape (no extra fields), narration rules,
 * core's DemoSchema, and that no step leaves the site. Called once per model reply.
 */
export function checkPlan(text: string, rules: CheckRules): Checked<{ title: string; steps: Step[] }> {
  const parsed = parseShape(text, PlanOut);
  if (!parsed.ok) return parsed;
  const title = parsed.value.title.replace(/\s+/g, ' ').trim(); // one line: it names chapters and files
  const issues = title ? [] : ['title: the demo needs a title'];
  const script = scriptCheck(rules.language);
  if (title && script && !script.test(title)) issues.push(`title: ${script.issue}`);
  return finish(title, parsed.value.steps, rules, issues);
}

/** Check replacement steps (`planStep`): the same rules without a title. */
export function checkSteps(text: string, rules: CheckRules): Checked<Step[]> {
  const parsed = parseShape(text, StepsOut);
  if (!parsed.ok) return parsed;
  const result = finish(undefined, parsed.value.steps, rules, []);
  return result.ok ? { ok: true, value: result.value.steps } : result;
}

function finish(
  title: string | undefined,
  steps: StepOut[],
  rules: CheckRules,
  issues: string[],
): Checked<{ title: string; steps: Step[] }> {
  if (steps.length === 0) issues.push('steps: plan at least one step');
  if (steps.length > rules.maxSteps) issues.push(`steps: ${steps.length} steps is too many; use at most ${rules.maxSteps}`);
  const script = scriptCheck(rules.language);
  for (const [i, step] of steps.entries()) {
    const narration = step.narration.trim();
    if (!narration) issues.push(`steps[${i}].narration: every step needs a spoken line`);
    else if (script && !script.test(narration)) issues.push(`steps[${i}].narration: ${script.issue}`);
    if (narration.length > MAX_NARRATION) {
      issues.push(`steps[${i}].narration: ${narration.length} characters is too long; use one or two short sentences`);
    }
    if (step.action === 'goto' && step.value !== null) {
      const away = leavesSite(step.value, rules.startUrl);
      if (away) issues.push(`steps[${i}].value: ${away}`);
    }
    const name = step.target?.name ?? step.target?.text;
    const href = name ? rules.offSite?.get(name.trim()) : undefined;
    if (step.action === 'click' && href && (step.target?.role ?? 'link') === 'link') {
      issues.push(`steps[${i}].target: the link "${name}" leads to ${href}, off the site; steps may not leave it`);
    }
  }
  const demo = DemoSchema.safeParse({
    url: rules.startUrl,
    title: title || undefined,
    steps: steps.map((s, i) => toStepInput(s, rules.id(i))),
  });
  if (!demo.success) issues.push(...formatIssues(demo.error).message.split('\n'));
  if (issues.length || !demo.success) return { ok: false, issues: [...new Set(issues)] };
  return { ok: true, value: { title: title ?? '', steps: demo.data.steps } };
}

/**
 * Parse the reply as JSON (a ```json fence or text around the object is tolerated), strip control
 * characters from every string in it (titles, narration, values and targets reach logs, terminals,
 * captions and ffmpeg metadata), and check its shape.
 */
function parseShape<T>(text: string, schema: z.ZodType<T>): Checked<T> {
  let data: unknown;
  try {
    data = cleanDeep(JSON.parse(extractJson(text)));
  } catch (err) {
    // The parser quotes the reply: cleaned too, since issues are logged and quoted in errors.
    return { ok: false, issues: [`the reply is not valid JSON (${clean((err as Error).message)})`] };
  }
  const result = schema.safeParse(data);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, issues: formatIssues(result.error).message.split('\n') };
}

function extractJson(text: string): string {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(trimmed);
  if (fenced) return fenced[1]!;
  if (trimmed.startsWith('{')) return trimmed;
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  return start >= 0 && end > start ? trimmed.slice(start, end + 1) : trimmed;
}
