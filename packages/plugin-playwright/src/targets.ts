import { ShowrunnerError, type Target } from '@showrunner/core';
import type { Locator, Page } from 'playwright-core';
import { isGone, sleep } from './util.js';

/**
 * One way to find a step's element: a Playwright selector string. The strings use the `internal:`
 * engines that Playwright's own `getByRole` / `getByLabel` / ... locators compile to, so a
 * `resolved` value can be pasted into `page.locator(...)` as is.
 */
export interface Candidate {
  strategy: 'resolved' | 'role' | 'label' | 'placeholder' | 'ariaLabel' | 'title' | 'text' | 'testId' | 'css';
  /** Case-insensitive substring match (Playwright's default for getBy*). */
  loose: string;
  /** Exact, case-sensitive match; every candidate's exact form is tried before any loose one. */
  exact?: string;
}

/** The element a target resolved to, and the selector to write back as the step's `resolved`. */
export interface ResolvedTarget {
  strategy: Candidate['strategy'];
  selector: string;
  locator: Locator;
}

/** Roles tried for a `name` given without a role: the interactive ones, the commonest first. */
const NAMED_ROLES = [
  'button',
  'link',
  'textbox',
  'searchbox',
  'checkbox',
  'radio',
  'combobox',
  'spinbutton',
  'slider',
  'tab',
  'menuitem',
  'menuitemcheckbox',
  'menuitemradio',
  'switch',
  'option',
  'treeitem',
];

const VISIBLE = ' >> visible=true';
const quoteAttr = (value: string, exact: boolean) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"${exact ? 's' : 'i'}`;
const quoteText = (value: string, exact: boolean) => `${JSON.stringify(value)}${exact ? 's' : 'i'}`;
const attr = (strategy: Candidate['strategy'], name: string, value: string): Candidate => ({
  strategy,
  loose: `internal:attr=[${name}=${quoteAttr(value, false)}]`,
  exact: `internal:attr=[${name}=${quoteAttr(value, true)}]`,
});

/**
 * Every selector to try for a target, in order: the cached `resolved` selector, role+name, label,
 * placeholder, text, testId, css. A lone `name`, `label` or `text` (no role: from the script
 * parser's `type "x" into "Search"` or a model) is tried the way a person names an element: as an
 * accessible name over the interactive roles, a label, a placeholder, an `aria-label`, a `title`,
 * then visible text.
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
  const placeholder = target.placeholder ?? lone;
  if (placeholder) list.push(attr('placeholder', 'placeholder', placeholder));
  if (lone) list.push(attr('ariaLabel', 'aria-label', lone), attr('title', 'title', lone));
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

/** A selector for the first visible match of `selector`, or undefined when nothing visible matches. */
async function firstVisible(page: Page, selector: string): Promise<string | undefined> {
  const n = await visibleCount(page, selector);
  if (n === 0) return undefined;
  const visible = selector.includes('visible=true') ? selector : selector + VISIBLE;
  return n === 1 ? visible : `${visible} >> nth=0`;
}

/**
 * One pass over the candidates, in order: their exact forms (and those without one) in the first
 * pass, their loose forms in the second. Runs of role candidates are asked as one union first, so a
 * name no role has costs one query instead of sixteen.
 */
async function pass(page: Page, list: Candidate[], exact: boolean): Promise<ResolvedTarget | undefined> {
  const selectorOf = (c: Candidate) => (exact ? (c.exact ?? c.loose) : c.exact ? c.loose : undefined);
  for (let i = 0; i < list.length; i++) {
    const roles: Candidate[] = [];
    while (list[i + roles.length]?.strategy === 'role' && list[i + roles.length]?.exact) roles.push(list[i + roles.length]!);
    if (roles.length > 1) {
      const union = roles
        .map((c) => page.locator(selectorOf(c)!))
        .reduce((a, b) => a.or(b))
        .filter({ visible: true });
      const any = await union.count().catch((err: unknown) => {
        if (isGone(err)) throw err;
        return 0;
      });
      if (any === 0) {
        i += roles.length - 1;
        continue;
      }
    }
    const c = list[i]!;
    const selector = selectorOf(c);
    const found = selector ? await firstVisible(page, selector) : undefined;
    if (found) return { strategy: c.strategy, selector: found, locator: page.locator(found) };
  }
  return undefined;
}

/**
 * Find a step's element: poll the candidates until one matches a visible element or `timeoutMs`
 * passes (elements may appear late, e.g. in a dialog that is opening). Best match first: the cached
 * selector, then every strategy's exact match, then every strategy's loose match, so "Save" finds
 * the link named "Save" before the button named "Save draft". Called by the step runner, once per
 * attempt. Throws SR_STEP_TARGET_NOT_FOUND listing what was tried.
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
    const found = (await pass(page, list, true)) ?? (await pass(page, list, false));
    if (found) return found;
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
