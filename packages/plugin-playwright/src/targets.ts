import { ShowrunnerError, type Target } from '@showrunner/core';
import type { Locator, Page } from 'playwright-core';
import { isGone, sleep } from './util.js';

/**
 * One way to find a step's element: a Playwright selector string. The strings use the `internal:`
 * engines that Playwright's own `getByRole` / `getByLabel` / ... locators compile to, so a
 * `resolved` value can be pasted into `page.locator(...)` as is.
 */
export interface Candidate {
  strategy: 'resolved' | 'role' | 'label' | 'placeholder' | 'text' | 'testId' | 'css';
  /** Case-insensitive substring match (Playwright's default for getBy*). */
  loose: string;
  /** Exact, case-sensitive match; tried when the loose one matches several elements. */
  exact?: string;
}

/** The element a target resolved to, and the selector to write back as the step's `resolved`. */
export interface ResolvedTarget {
  strategy: Candidate['strategy'];
  selector: string;
  locator: Locator;
}

/** Roles tried for a `name` given without a role (interactive ones first). */
const NAMED_ROLES = ['button', 'link', 'textbox', 'checkbox', 'radio', 'combobox', 'tab', 'menuitem', 'switch', 'option'];

const VISIBLE = ' >> visible=true';
const quoteAttr = (value: string, exact: boolean) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"${exact ? 's' : 'i'}`;
const quoteText = (value: string, exact: boolean) => `${JSON.stringify(value)}${exact ? 's' : 'i'}`;

/**
 * Every selector to try for a target, in order: the cached `resolved` selector, role+name, label,
 * placeholder, text, testId, css. A lone `name`, `label` or `text` (no role) also stands for the
 * other two, so `{ text: "Sign in" }` still finds a button named "Sign in".
 */
export function candidates(target: Target | undefined, resolved?: string): Candidate[] {
  const list: Candidate[] = [];
  if (resolved) list.push({ strategy: 'resolved', loose: resolved });
  if (!target) return list;
  const given = [target.name, target.label, target.text].filter((v) => v !== undefined);
  const lone = !target.role && given.length === 1 ? given[0] : undefined;
  const name = target.name ?? lone;
  const label = target.label ?? lone;
  const text = target.text ?? lone;

  const roles = target.role ? [target.role] : name ? NAMED_ROLES : [];
  for (const role of roles) {
    const base = `internal:role=${role}`;
    list.push(
      name
        ? { strategy: 'role', loose: `${base}[name=${quoteAttr(name, false)}]`, exact: `${base}[name=${quoteAttr(name, true)}]` }
        : { strategy: 'role', loose: base },
    );
  }
  if (label)
    list.push({
      strategy: 'label',
      loose: `internal:label=${quoteText(label, false)}`,
      exact: `internal:label=${quoteText(label, true)}`,
    });
  if (target.placeholder) {
    const p = target.placeholder;
    list.push({
      strategy: 'placeholder',
      loose: `internal:attr=[placeholder=${quoteAttr(p, false)}]`,
      exact: `internal:attr=[placeholder=${quoteAttr(p, true)}]`,
    });
  }
  if (text)
    list.push({
      strategy: 'text',
      loose: `internal:text=${quoteText(text, false)}`,
      exact: `internal:text=${quoteText(text, true)}`,
    });
  if (target.testId) list.push({ strategy: 'testId', loose: `internal:testid=[data-testid=${quoteAttr(target.testId, true)}]` });
  if (target.css) list.push({ strategy: 'css', loose: `css=${target.css}` });
  return list;
}

/** Short human description of a target for messages: `role=button name="Sign in"`. */
export function describeTarget(target: Target | undefined): string {
  if (!target) return '(no target)';
  return Object.entries(target)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
}

/** Count visible matches of a selector; an unparsable selector (a stale `resolved`) counts as none. */
async function visibleCount(page: Page, selector: string): Promise<number> {
  try {
    return await page.locator(selector + VISIBLE).count();
  } catch (err) {
    if (isGone(err)) throw err;
    return 0;
  }
}

/** The selector one candidate yields now, or undefined when it matches no visible element. */
async function tryCandidate(page: Page, c: Candidate): Promise<string | undefined> {
  if (c.strategy === 'resolved') {
    const n = await visibleCount(page, c.loose);
    if (n === 0) return undefined;
    if (n > 1) return `${c.loose}${VISIBLE} >> nth=0`;
    return c.loose.includes('visible=true') ? c.loose : c.loose + VISIBLE;
  }
  const loose = await visibleCount(page, c.loose);
  if (loose === 0) return undefined;
  if (loose === 1) return c.loose + VISIBLE;
  const exact = c.exact ? await visibleCount(page, c.exact) : 0;
  const base = exact > 0 ? c.exact! : c.loose;
  return exact === 1 ? base + VISIBLE : `${base}${VISIBLE} >> nth=0`;
}

/**
 * Find a step's element: poll every candidate in order until one matches a visible element or
 * `timeoutMs` passes (elements may appear late, e.g. in a dialog that is opening). Called by the
 * step runner, once per attempt. Throws SR_STEP_TARGET_NOT_FOUND listing what was tried.
 */
export async function resolveTarget(
  page: Page,
  target: Target | undefined,
  resolved: string | undefined,
  timeoutMs: number,
): Promise<ResolvedTarget> {
  const list = candidates(target, resolved);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const c of list) {
      const selector = await tryCandidate(page, c);
      if (selector) return { strategy: c.strategy, selector, locator: page.locator(selector) };
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(150, Math.max(0, deadline - Date.now())));
  }
  const tried = list.map((c) => `  - ${c.strategy}: ${c.loose}`).join('\n');
  throw new ShowrunnerError(
    'SR_STEP_TARGET_NOT_FOUND',
    `No visible element matches ${describeTarget(target)} after ${timeoutMs} ms. Tried:\n${tried}`,
    {
      stage: 'record',
      hint: 'Check the step target against the page (the failure screenshot and ARIA snapshot show it), or replace the step.',
    },
  );
}
