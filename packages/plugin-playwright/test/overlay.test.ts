import path from 'node:path';
import { type DemoInput, runPipeline } from '@showrunner/core';
import playwright, { installOverlay, launchBrowser } from '@showrunner/plugin-playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleServer, recordOutput, regionOfFrames, setupRun } from './helpers.js';

let server: Awaited<ReturnType<typeof exampleServer>>;
beforeAll(async () => {
  server = await exampleServer();
});
afterAll(() => server?.close());

/** Click "Sign in" with empty fields: the page stays, an error appears. */
const demo: DemoInput = {
  url: '/',
  title: 'cursor',
  steps: [
    { id: 'click', action: 'click', target: { role: 'button', name: 'Sign in' }, narration: 'Click sign in.' },
    { id: 'rest', action: 'wait', value: '200', narration: '' },
  ],
};

/** Near-black pixels (the arrow's fill) in an RGB buffer. */
const darkPixels = (rgb: Buffer) => {
  let n = 0;
  for (let i = 0; i < rgb.length; i += 3) if (Math.max(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!) < 60) n++;
  return n;
};

async function recordClick(cursor: boolean) {
  const { config, runDir } = await setupRun(demo, playwright({ cursor, leadMs: 50, gapMs: 100 }), server.url);
  await runPipeline(config, runDir, { until: 'record' });
  const out = await recordOutput(runDir);
  const click = out.steps[0]!;
  const b = click.box!;
  // The arrow's body: just below and right of its tip, which sits on the target's centre.
  const region = { x: Math.round(b.x + b.width / 2) + 1, y: Math.round(b.y + b.height / 2) + 4, width: 8, height: 12 };
  const frames = out.recording.frames;
  const crops = regionOfFrames(
    frames.map((f) => path.join(runDir, f.path)),
    region,
  );
  const atEnd = frames.findLastIndex((f) => f.t <= click.endMs!);
  return { first: darkPixels(crops[0]!), atClick: darkPixels(crops[atEnd]!), frames, click };
}

describe('the drawn cursor', () => {
  it('is visible on the target in frames around a click, and absent with cursor: false', async () => {
    const on = await recordClick(true);
    expect(on.first).toBe(0); // t = 0: the cursor rests elsewhere
    expect(on.atClick).toBeGreaterThan(40); // the arrow sits on the button
    // It glides there: frames during the step show motion (many frames, not one jump).
    expect(on.frames.filter((f) => f.t >= on.click.startMs! && f.t <= on.click.endMs!).length).toBeGreaterThan(8);

    const off = await recordClick(false);
    expect(off.atClick).toBe(0);
  });
});

describe('the overlay never changes the app', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  // In-page code as strings: this test program is type-checked without the DOM library.
  const LAYOUT = `({
    boxes: [...document.querySelectorAll('body *')].map((el) => {
      const r = el.getBoundingClientRect();
      return el.tagName + ':' + [r.x, r.y, r.width, r.height].join(',');
    }),
    scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
  })`;
  const API = `window[Symbol.for('showrunner.overlay')]`;
  const layout = (page: Page) => page.evaluate(LAYOUT);

  for (const file of ['index.html', 'dashboard.html', 'settings.html', 'changelog.html']) {
    it(`keeps the layout and accessibility tree of ${file}`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(server.url + file);
      const before = await layout(page);
      const aria = await page.locator('body').ariaSnapshot();
      await installOverlay(page);
      await page.evaluate(`(async () => {
        ${API}.place(100, 100);
        await ${API}.move(600, 300, 150);
        ${API}.ring(600, 300);
        ${API}.highlight({ x: 500, y: 250, width: 200, height: 100 });
      })()`);
      expect(await layout(page)).toEqual(before);
      expect(await page.locator('body').ariaSnapshot()).toBe(aria);
      const host = await page.evaluate(`(() => {
        const el = document.querySelector('showrunner-overlay');
        const hit = document.elementFromPoint(600, 300);
        return { hidden: el.getAttribute('aria-hidden'), pe: getComputedStyle(el).pointerEvents, hitIsOverlay: hit === el };
      })()`);
      expect(host).toEqual({ hidden: 'true', pe: 'none', hitIsOverlay: false });
      await page.close();
    });
  }

  it('lets clicks through to the element under the cursor', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await installOverlay(page);
    const button = page.getByRole('button', { name: 'Sign in' });
    const b = (await button.boundingBox())!;
    const [x, y] = [b.x + b.width / 2, b.y + b.height / 2];
    await page.evaluate(`${API}.place(${x}, ${y}); ${API}.ring(${x}, ${y});`);
    await button.click({ timeout: 3_000 }); // Playwright refuses if another element would receive the click
    await expect.poll(() => page.locator('.error').textContent()).toBe('Enter your email and password.');
    await page.close();
  });
});
