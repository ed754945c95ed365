import type { Locator, Page } from 'playwright-core';

/** Where a scroll step goes: a named direction or a number of CSS px (negative is up). */
export type ScrollAmount = 'down' | 'up' | 'top' | 'bottom' | number;

/** How long a smooth scroll may take before the recorder moves on. */
const SCROLL_BUDGET_MS = 4_000;

/** Parse a scroll step's value ("down" when absent). Returns undefined for a value it cannot read. */
export function parseScroll(value: string | undefined): ScrollAmount | undefined {
  const v = (value ?? 'down').trim().toLowerCase();
  if (v === 'down' || v === 'up' || v === 'top' || v === 'bottom') return v;
  return /^-?\d+(\.\d+)?(px)?$/.test(v) ? Number.parseFloat(v) : undefined;
}

/**
 * Scroll the window (or the element `on`) smoothly and resolve once it stopped moving. An instant
 * scroll paints unrasterised white tiles in headless software rendering; a smooth one does not.
 */
export async function smoothScroll(page: Page, amount: ScrollAmount, on?: Locator): Promise<void> {
  const run = async (node: Element, arg: { amount: ScrollAmount; budget: number; page: boolean }) => {
    const el = arg.page ? null : node;
    const box = el ?? document.scrollingElement ?? document.documentElement;
    const view = el ? box.clientHeight : window.innerHeight;
    const { amount, budget } = arg;
    const target =
      amount === 'top'
        ? 0
        : amount === 'bottom'
          ? box.scrollHeight
          : box.scrollTop + (amount === 'down' ? view * 0.8 : amount === 'up' ? -view * 0.8 : amount);
    const scroller: Element | Window = el ?? window;
    scroller.scrollTo({ top: target, behavior: 'smooth' });
    // Done when the position has not changed for 12 frames (≈200 ms) or the budget ran out.
    const end = performance.now() + budget;
    let last = Number.NaN;
    let still = 0;
    while (performance.now() < end && still < 12) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = box.scrollTop;
      still = now === last ? still + 1 : 0;
      last = now;
    }
  };
  await (on ?? page.locator(':root')).evaluate(run, { amount, budget: SCROLL_BUDGET_MS, page: !on });
}

/**
 * Bring an element into view with a smooth scroll when it is not fully visible, and resolve once
 * the scroll settled. Used before every targeted action, because Playwright's own scrolling is instant.
 */
export async function revealSmoothly(locator: Locator): Promise<void> {
  await locator.evaluate(async (el, budget) => {
    const r = el.getBoundingClientRect();
    const inside = r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
    if (inside) return;
    el.scrollIntoView({ behavior: 'smooth', block: 'center', inline: 'nearest' });
    const end = performance.now() + budget;
    let last = '';
    let still = 0;
    while (performance.now() < end && still < 8) {
      await new Promise((res) => requestAnimationFrame(res));
      const b = el.getBoundingClientRect();
      const now = `${b.top},${b.left}`;
      still = now === last ? still + 1 : 0;
      last = now;
    }
  }, SCROLL_BUDGET_MS);
}
