import path from 'node:path';
import { type DemoInput, runPipeline, runStage, type ShowrunnerError } from '@showrunner/core';
import playwright, { candidates } from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagServer } from './fixture-server.js';
import { chromiumChildren, edgeEnergy, exampleServer, jpegSize, pixels, recordOutput, setupRun } from './helpers.js';

let server: Awaited<ReturnType<typeof exampleServer>>;
beforeAll(async () => {
  server = await exampleServer();
});
afterAll(() => server?.close());

const tiny: DemoInput = { url: '/', title: 'tiny', steps: [{ action: 'wait', value: '200', narration: 'Look.' }] };

describe('options', () => {
  it('rejects a bad option when the config loads, naming the plugin and option', () => {
    const err = (() => {
      try {
        playwright({ viewport: { width: 10, height: 720 } });
      } catch (e) {
        return e as ShowrunnerError;
      }
    })();
    expect(err).toMatchObject({ code: 'SR_CONFIG_INVALID', plugin: '@showrunner/plugin-playwright', field: 'viewport.width' });
    expect(() => playwright({ nope: true } as never)).toThrow(/invalid option/);
  });

  it('records at deviceScaleFactor × viewport pixels for sharp text', async () => {
    const plugin = playwright({ viewport: { width: 640, height: 360 }, deviceScaleFactor: 2, leadMs: 0, gapMs: 0 });
    const { config, runDir } = await setupRun(tiny, plugin, server.url);
    await runPipeline(config, runDir, { until: 'record' });
    const { recording } = await recordOutput(runDir);
    expect(recording).toMatchObject({ width: 1280, height: 720, viewport: { width: 640, height: 360 }, deviceScaleFactor: 2 });
    expect(jpegSize(path.join(runDir, recording.frames[0]!.path))).toEqual({ width: 1280, height: 720 });
  });

  it('says what it tried and how to install a browser when none is found', async () => {
    const { config, runDir } = await setupRun(tiny, playwright({ executablePath: '/opt/no/chrome' }), server.url);
    await runStage(config, 'tts', runDir);
    const err = (await runStage(config, 'record', runDir).catch((e: unknown) => e)) as ShowrunnerError;
    expect(err).toMatchObject({ code: 'SR_BROWSER_NOT_FOUND', stage: 'record' });
    expect(err.message).toContain('executablePath option: /opt/no/chrome');
    expect(err.hint).toContain('apt-get install chromium');
    expect(err.hint).toContain('npx playwright install chromium');
  });

  it('stops with SR_ABORTED and closes the browser when the run is cancelled', async () => {
    const controller = new AbortController();
    const stopper = { name: 'test:stop', hooks: { onStepStart: () => controller.abort() } };
    const { config, runDir } = await setupRun(tiny, playwright(), server.url, { plugins: [stopper] });
    const run = runPipeline(config, runDir, { until: 'record', signal: controller.signal });
    await expect(run).rejects.toMatchObject({ code: 'SR_ABORTED' });
    expect(chromiumChildren()).toEqual([]);
  });
});

describe('the start of a recording', () => {
  it('starts on the loaded start page (no blank t = 0) and a first goto to it does not reload', async () => {
    const flags = await flagServer();
    try {
      const demo: DemoInput = {
        url: '/',
        title: 'start',
        steps: [
          { action: 'goto', value: '/', narration: 'The waiting room.' },
          { action: 'wait', value: '100', narration: '' },
        ],
      };
      const { config, runDir } = await setupRun(demo, playwright({ leadMs: 0, gapMs: 0 }), flags.url);
      await runPipeline(config, runDir, { until: 'record' });
      expect(flags.hits.page).toBe(1);
      const { recording } = await recordOutput(runDir);
      // The heading "Waiting room" is drawn in the very first frame.
      const first = pixels(path.join(runDir, recording.frames[0]!.path), { x: 40, y: 40, width: 200, height: 40 });
      expect(edgeEnergy(first, 200, 40)).toBeGreaterThan(10);
    } finally {
      await flags.close();
    }
  });
});

describe('target candidates', () => {
  it('tries resolved → role+name → label → placeholder → text → testId → css', () => {
    const list = candidates(
      { role: 'button', name: 'Save "draft"', label: 'L', placeholder: 'P', text: 'T', testId: 'save', css: '#save' },
      'css=#cached',
    );
    expect(list.map((c) => c.strategy)).toEqual(['resolved', 'role', 'label', 'placeholder', 'text', 'testId', 'css']);
    expect(list[1]).toEqual({
      strategy: 'role',
      loose: 'internal:role=button[name="Save \\"draft\\""i]',
      exact: 'internal:role=button[name="Save \\"draft\\""s]',
    });
  });

  it('tries a lone name, label or text the way a person names an element: name, label, placeholder, aria-label, title, text', () => {
    const strategies = (t: Parameters<typeof candidates>[0]) => [...new Set(candidates(t).map((c) => c.strategy))];
    const lone = ['role', 'label', 'placeholder', 'ariaLabel', 'title', 'text'];
    expect(strategies({ text: 'Sign in' })).toEqual(lone);
    expect(strategies({ label: 'Email' })).toEqual(lone);
    expect(strategies({ name: 'Search products' })).toEqual(lone);
    expect(strategies({ role: 'link', name: 'Docs' })).toEqual(['role']);
  });
});
