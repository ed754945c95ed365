import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DemoInput, runPipeline, type Target } from '@showrunner/core';
import playwright, { launchBrowser } from '@showrunner/plugin-playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../src/targets.js';
import { recordOutput, setupRun } from './helpers.js';

/** Fields and buttons named in every way a page names things, with look-alike names next to them. */
const FORM = `<!doctype html><html><head><meta charset="utf-8"><title>Names</title></head><body>
  <input id="search" type="search" placeholder="Search products">
  <label>Find <input id="find" type="text" placeholder="Type a city"></label>
  <input id="pin" type="password" aria-label="Card PIN">
  <span id="close" aria-label="Close panel">×</span>
  <input id="gift" type="password" title="Gift code">
  <label>Note <input id="note" type="text" title="Shown on the receipt"></label>
  <span id="keys" title="Keyboard shortcuts">?</span>
  <button id="draft">Save draft</button> <a id="save" href="#">Save</a>
  <button id="publish-now">Publish now</button> <span id="publish">Publish</span>
</body></html>`;

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setContent(FORM);
});
afterAll(() => browser?.close());

/** The id of the element a target finds, and the strategy that found it. */
async function find(target: Target) {
  const found = await resolveTarget(page, target, undefined, 2_000);
  return { id: await found.locator.getAttribute('id'), strategy: found.strategy, selector: found.selector };
}

describe('targets found the way a person names them', () => {
  it('finds a field named only by its placeholder, as a label or a name', async () => {
    // A search input's role is searchbox: its placeholder is its accessible name.
    expect(await find({ label: 'Search products' })).toMatchObject({ id: 'search', strategy: 'role' });
    expect(await find({ name: 'Search products' })).toMatchObject({ id: 'search', strategy: 'role' });
    // A labelled field whose placeholder says something else.
    const city = await find({ label: 'Type a city' });
    expect(city).toMatchObject({ id: 'find', strategy: 'placeholder' });
    expect(city.selector).toBe('internal:attr=[placeholder="Type a city"s] >> visible=true');
  });

  it('finds elements named only by aria-label', async () => {
    expect(await find({ label: 'Card PIN' })).toMatchObject({ id: 'pin', strategy: 'role' });
    expect(await find({ text: 'Close panel' })).toMatchObject({ id: 'close', strategy: 'label' });
  });

  it('finds elements named only by title', async () => {
    expect(await find({ name: 'Gift code' })).toMatchObject({ id: 'gift', strategy: 'role' });
    // A title on a labelled field is its description, not its name: found by the title itself.
    expect(await find({ label: 'Shown on the receipt' })).toMatchObject({ id: 'note', strategy: 'title' });
    expect(await find({ name: 'Keyboard shortcuts' })).toMatchObject({ id: 'keys', strategy: 'title' });
  });

  it('takes an exact match of any kind before a loose one ("Save" is not "Save draft")', async () => {
    expect(await find({ name: 'Save' })).toMatchObject({ id: 'save', strategy: 'role' });
    expect(await find({ text: 'Save' })).toMatchObject({ id: 'save', strategy: 'role' });
    expect(await find({ text: 'Publish' })).toMatchObject({ id: 'publish', strategy: 'text' });
    // Only a loose match: a different case still finds the field.
    expect(await find({ label: 'search PRODUCTS' })).toMatchObject({ id: 'search', strategy: 'role' });
  });

  it('reports what it tried when nothing matches', async () => {
    const error = await resolveTarget(page, { label: 'Nowhere' }, undefined, 300).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'SR_STEP_TARGET_NOT_FOUND' });
    for (const strategy of ['role', 'label', 'placeholder', 'ariaLabel', 'title', 'text'])
      expect((error as Error).message).toContain(`- ${strategy}: `);
  });

  it('fills a placeholder-only field in a recording, and writes back the selector that found it', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(FORM);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const demo: DemoInput = {
        url: '/',
        title: 'names',
        steps: [
          { id: 'by-label', action: 'fill', target: { label: 'Search products' }, value: 'lamp', narration: 'Search.' },
          { id: 'by-name', action: 'fill', target: { name: 'Search products' }, value: 'desk lamp', narration: 'Again.' },
          { id: 'city', action: 'fill', target: { label: 'Type a city' }, value: 'Oslo', narration: 'City.' },
        ],
      };
      const plugin = playwright({ leadMs: 20, gapMs: 20, typingDelayMs: 0, cursor: false });
      const { config, runDir } = await setupRun(demo, plugin, url);
      await runPipeline(config, runDir, { until: 'record' });
      const { steps } = await recordOutput(runDir);
      expect(steps.map((s) => [s.status, s.step.resolved])).toEqual([
        ['done', 'internal:role=searchbox[name="Search products"s] >> visible=true'],
        ['done', 'internal:role=searchbox[name="Search products"s] >> visible=true'],
        ['done', 'internal:attr=[placeholder="Type a city"s] >> visible=true'],
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
