import { type Box, type RunPolicy, redactUrl, ShowrunnerError, type Step } from '@showrunner/core';
import type { Locator, Page } from 'playwright-core';
import { checkTarget } from './navigation.js';
import type { ResolvedOptions } from './options.js';
import { Overlay } from './overlay.js';
import { parseScroll, revealSmoothly, smoothScroll } from './scroll.js';
import { Secrets } from './secrets.js';
import { type NetworkTracker, settle } from './settle.js';
import { resolveTarget } from './targets.js';
import { abortable, sleep } from './util.js';

/** Characters typed per keyboard call: a cut-short attempt stops typing within one chunk. */
const TYPING_CHUNK = 8;

/** What an action needs from the recording session. One per run, used serially. */
export interface ActionContext {
  page: Page;
  overlay: Overlay;
  network: NetworkTracker;
  options: ResolvedOptions;
  secrets: Secrets;
  /** The run's guards: every `goto` is checked against them right before the browser navigates. */
  policy: RunPolicy;
  /** The demo's start URL (the base of the navigation policy). */
  start: string;
  /**
   * Aborts when the current attempt must end now (cancel, recording deadline, refused navigation,
   * crash); set by the step runner before each attempt. Every wait of an action ends on it.
   */
  signal: AbortSignal;
  /** Absolute URL of a `goto` value (a path resolves against the base URL). */
  resolveUrl(value: string): string;
  /** URL the last `goto` loaded successfully (a failed one must not count as "already there"). */
  loaded?: string;
}

/** What performing a step yields for its result. */
export interface ActionResult {
  /** Selector that found the target (written back as the step's `resolved`). */
  resolved?: string;
  /** Which strategy found the target (`resolved` means the cached selector still works). */
  strategy?: string;
  /** The target's box at the action, CSS px of the viewport, clipped to it. */
  box?: Box;
}

interface Reached {
  locator: Locator;
  resolved: string;
  strategy: string;
  box?: Box;
}

/**
 * Perform one step: find its target (with fallbacks), bring it into view smoothly, glide the
 * cursor there, act, then wait for the page to settle. Called by the step runner once per attempt;
 * throws Playwright errors or ShowrunnerErrors that the runner classifies.
 */
export async function perform(step: Step, index: number, ax: ActionContext): Promise<ActionResult> {
  const { page, overlay } = ax;
  const timeout = ax.options.actionTimeoutMs;
  // Each call of the page ends the action at once when the attempt is cut short.
  const live = <T>(work: Promise<T>) => abortable(work, ax.signal);
  // Only a goto straight after loading that page is skipped; after any other step it reloads.
  if (step.action !== 'goto') ax.loaded = undefined;
  switch (step.action) {
    case 'goto': {
      const url = ax.resolveUrl(String(step.value));
      checkTarget(ax.policy, ax.start, url, { step, index });
      await goto(ax, url);
      return {};
    }
    case 'click': {
      const at = await reach(step, ax, true);
      await live(overlay.ring());
      await live(at.locator.click({ timeout }));
      return done(at, ax);
    }
    case 'fill': {
      const at = await reach(step, ax, true);
      const text = ax.secrets.value(step) ?? '';
      await live(overlay.ring());
      await live(at.locator.click({ timeout }));
      await live(at.locator.fill('', { timeout }));
      const delay = Math.min(ax.options.typingDelayMs, Math.floor(ax.options.maxTypingMs / Math.max(1, text.length)));
      if (delay > 0) {
        const chars = [...text];
        for (let i = 0; i < chars.length; i += TYPING_CHUNK) {
          const chunk = chars.slice(i, i + TYPING_CHUNK).join('');
          await live(at.locator.pressSequentially(chunk, { delay, timeout: timeout + delay * chunk.length }));
        }
      } else await live(at.locator.fill(text, { timeout }));
      return done(at, ax);
    }
    case 'press': {
      const key = String(step.value);
      if (step.target) {
        const at = await reach(step, ax, true);
        await live(at.locator.press(key, { timeout }));
        return done(at, ax);
      }
      await live(page.keyboard.press(key));
      await settle(page, ax.network, ax.options.settleTimeoutMs, ax.signal);
      return {};
    }
    case 'hover': {
      const at = await reach(step, ax, true);
      await live(at.locator.hover({ timeout }));
      return done(at, ax);
    }
    case 'select': {
      const at = await reach(step, ax, true);
      await live(overlay.ring());
      await live(select(at.locator, String(step.value), ax));
      return done(at, ax);
    }
    case 'check': {
      const at = await reach(step, ax, true);
      await live(overlay.ring());
      const on = String(step.value ?? 'true').toLowerCase() !== 'false';
      if (on) await live(at.locator.check({ timeout }));
      else await live(at.locator.uncheck({ timeout }));
      return done(at, ax);
    }
    case 'scroll': {
      const amount = parseScroll(typeof step.value === 'string' ? step.value : undefined);
      if (amount === undefined) {
        throw new ShowrunnerError('SR_STEP_INVALID', `Cannot read scroll value ${JSON.stringify(step.value)}.`, {
          stage: 'record',
          hint: 'Use "down", "up", "top", "bottom" or a number of pixels.',
        });
      }
      if (!step.target) {
        await live(smoothScroll(page, amount));
        return {};
      }
      const at = await reach(step, ax, false);
      if (step.value !== undefined) await live(smoothScroll(page, amount, at.locator));
      return done(at, ax);
    }
    case 'wait': {
      const ms = typeof step.value === 'string' ? Number(step.value) : undefined;
      if (!step.target) {
        await sleep(ms ?? 0, ax.signal);
        return {};
      }
      const found = await live(resolveTarget(page, step.target, step.resolved, ms ?? ax.options.stepTimeoutMs));
      return { resolved: found.selector, strategy: found.strategy, box: await live(boxOf(found.locator, page)) };
    }
  }
}

/**
 * Find the target, mark it sensitive when asked (or when the step types a secret), reveal it,
 * frame it and glide the cursor to it.
 */
async function reach(step: Step, ax: ActionContext, glide: boolean): Promise<Reached> {
  const { page, overlay } = ax;
  const live = <T>(work: Promise<T>) => abortable(work, ax.signal);
  const found = await live(resolveTarget(page, step.target, step.resolved, ax.options.stepTimeoutMs));
  if (step.sensitive || Secrets.isSecret(step)) await live(Overlay.markSensitive(found.locator));
  await live(revealSmoothly(found.locator));
  const box = await live(boxOf(found.locator, page));
  await live(overlay.highlight(box ?? null));
  if (glide && box) await live(overlay.glide(Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)));
  return { locator: found.locator, resolved: found.selector, strategy: found.strategy, box };
}

/** After a targeted action: let the page settle, drop the highlight, report selector and box. */
async function done(at: Reached, ax: ActionContext): Promise<ActionResult> {
  await settle(ax.page, ax.network, ax.options.settleTimeoutMs, ax.signal);
  await abortable(ax.overlay.highlight(null), ax.signal);
  return { resolved: at.resolved, strategy: at.strategy, box: at.box };
}

/** The element's box in CSS px of the viewport, clipped to the viewport (undefined when off screen). */
async function boxOf(locator: Locator, page: Page): Promise<Box | undefined> {
  const b = await locator.boundingBox().catch(() => null);
  const view = page.viewportSize();
  if (!b || !view) return undefined;
  const x = Math.max(0, b.x);
  const y = Math.max(0, b.y);
  const width = Math.min(view.width, b.x + b.width) - x;
  const height = Math.min(view.height, b.y + b.height) - y;
  if (width <= 0 || height <= 0) return undefined;
  const r = (n: number) => Math.round(n * 100) / 100;
  return { x: r(x), y: r(y), width: r(width), height: r(height) };
}

/**
 * Navigate, unless the page was just loaded at this URL with no step since (so a demo's first
 * `goto` to its start page causes no reload flash). HTTP errors count as navigation errors.
 */
export async function goto(ax: ActionContext, url: string): Promise<void> {
  if (ax.loaded && sameUrl(ax.page.url(), url) && sameUrl(ax.loaded, url)) return;
  ax.loaded = undefined;
  const response = await abortable(ax.page.goto(url, { waitUntil: 'load', timeout: ax.options.navigationTimeoutMs }), ax.signal);
  if (response && response.status() >= 400) {
    throw new ShowrunnerError(
      'SR_STEP_NAVIGATION',
      `${redactUrl(url)} answered HTTP ${response.status()} ${response.statusText()}.`,
      {
        stage: 'record',
        hint: 'Check the URL and that the app is running and serving it.',
      },
    );
  }
  ax.loaded = url;
  await settle(ax.page, ax.network, ax.options.settleTimeoutMs, ax.signal);
}

/**
 * Choose an option by its label (the schema's meaning of a select value), else by its value. A
 * custom dropdown (not a <select>) is opened with a click and its option clicked by name.
 */
async function select(locator: Locator, wanted: string, ax: ActionContext): Promise<void> {
  const timeout = ax.options.actionTimeoutMs;
  const options = await locator.evaluate((el) =>
    el instanceof HTMLSelectElement ? [...el.options].map((o) => ({ label: o.label.trim(), value: o.value })) : null,
  );
  if (!options) {
    await locator.click({ timeout });
    const find = ax.options.stepTimeoutMs;
    const option = await abortable(
      resolveTarget(ax.page, { role: 'option', name: wanted }, undefined, find).catch(() =>
        resolveTarget(ax.page, { text: wanted }, undefined, find),
      ),
      ax.signal,
    );
    await ax.overlay.glide(...(await centerOf(option.locator)));
    await option.locator.click({ timeout });
    return;
  }
  const norm = (s: string) => s.trim().toLowerCase();
  const match =
    options.find((o) => o.label === wanted) ??
    options.find((o) => norm(o.label) === norm(wanted)) ??
    options.find((o) => o.value === wanted);
  if (!match) {
    throw new ShowrunnerError(
      'SR_STEP_TARGET_NOT_FOUND',
      `The list has no option "${wanted}". Its options: ${options.map((o) => JSON.stringify(o.label)).join(', ')}.`,
      { stage: 'record', hint: 'Use one of the listed option labels as the step value.' },
    );
  }
  await locator.selectOption({ value: match.value }, { timeout });
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

async function centerOf(locator: Locator): Promise<[number, number]> {
  const b = await locator.boundingBox();
  return b ? [Math.round(b.x + b.width / 2), Math.round(b.y + b.height / 2)] : [0, 0];
}
