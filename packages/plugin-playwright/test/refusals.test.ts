// What the recorder refuses before a browser starts: start URLs and `goto` values that are not
// plain http(s) or leave the site, and secrets the run may not read. The plugin is pointed at a
// browser that does not exist, so anything that got past the checks would fail with
// SR_BROWSER_NOT_FOUND instead.
import { createPolicy, type DemoInput, runPipeline, runStage, type ShowrunnerError, type UserConfig } from '@showrunner/core';
import playwright from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTarget } from '../src/navigation.js';
import { chromiumChildren, exampleServer, setupRun } from './helpers.js';

let server: Awaited<ReturnType<typeof exampleServer>>;
beforeAll(async () => {
  server = await exampleServer();
});
afterAll(() => server?.close());

const noBrowser = () => playwright({ executablePath: '/nonexistent/chromium' });

/** Run tts, then record; return what record threw. */
async function refusal(demo: DemoInput, extra: UserConfig = {}): Promise<ShowrunnerError> {
  const { config, runDir } = await setupRun(demo, noBrowser(), server.url, extra);
  await runStage(config, 'tts', runDir);
  const error = await runStage(config, 'record', runDir).then(
    () => undefined,
    (e: ShowrunnerError) => e,
  );
  expect(chromiumChildren()).toEqual([]);
  return error!;
}

/** Schemes and forms a URL must not have. */
const HOSTILE_URLS = [
  'file:///etc/passwd',
  'data:text/html,<h1>hi</h1>',
  'javascript:alert(1)',
  'chrome://settings',
  'view-source:http://127.0.0.1/',
  'about:blank',
  'ftp://127.0.0.1/x',
  'http://user:secret@127.0.0.1/',
  'java\nscript:alert(1)',
  ' file:///etc/passwd',
];

describe('URLs refused before the browser starts', () => {
  // Core's demo schema already refuses most of these when the demo is read; the recorder checks
  // again (a demo handed to the plugin directly, a replacement step): its check, called alone.
  it.each(HOSTILE_URLS)('the recorder refuses %s as start URL and as goto, naming the field and step', (url) => {
    const policy = createPolicy();
    const step = { id: 'away', action: 'goto' as const, value: url, narration: '' };
    const start = (() => {
      try {
        checkTarget(policy, url, url);
      } catch (e) {
        return e as ShowrunnerError;
      }
    })();
    expect(start).toMatchObject({ code: 'SR_URL_REFUSED', field: 'url', stage: 'record' });
    expect(start?.message).toMatch(/^The start page: /);
    const go = (() => {
      try {
        checkTarget(policy, server.url, url, { step, index: 3 });
      } catch (e) {
        return e as ShowrunnerError;
      }
    })();
    expect(go).toMatchObject({ code: 'SR_URL_REFUSED', field: 'steps.3.value', step: { index: 3, id: 'away' } });
    expect(go?.message).toMatch(/^Step 4 \("away"\): /);
  });

  it('a demo with credentials in its start URL or a goto never starts a browser', async () => {
    const url = 'http://user:secret@127.0.0.1/';
    const start = await refusal({ url, title: 'x', steps: [{ id: 'look', action: 'wait', value: '10', narration: '' }] });
    expect(start).toMatchObject({ code: 'SR_URL_REFUSED', field: 'url' });
    const go = await refusal({ url: '/', title: 'x', steps: [{ id: 'away', action: 'goto', value: url, narration: '' }] });
    expect(go).toMatchObject({ code: 'SR_URL_REFUSED', field: 'steps.0.value', step: { index: 0, id: 'away' } });
    expect(`${start.message} ${go.message}`).not.toContain('secret');
  });

  it('goto to another site under navigation: same-site (and a protocol-relative one)', async () => {
    for (const value of ['http://localhost:9/', '//example.com/x']) {
      const error = await refusal(
        { url: '/', title: 'x', steps: [{ id: 'away', action: 'goto', value, narration: '' }] },
        { navigation: 'same-site' },
      );
      expect(error).toMatchObject({ code: 'SR_URL_REFUSED', step: { index: 0, id: 'away' } });
      expect(error.message).toContain('navigation: same-site');
    }
  });

  it('lets the same goto through when the site is the same (then fails on the missing browser)', async () => {
    const error = await refusal(
      { url: '/', title: 'x', steps: [{ id: 'here', action: 'goto', value: '/index.html?x=1', narration: '' }] },
      { navigation: 'same-site' },
    );
    expect(error.code).toBe('SR_BROWSER_NOT_FOUND');
  });
});

describe('secrets refused before the browser starts', () => {
  const demo: DemoInput = {
    url: '/',
    title: 'x',
    steps: [
      { id: 'open', action: 'goto', value: '/', narration: '' },
      { id: 'key', action: 'fill', target: { label: 'Password' }, value: { env: 'HOME' }, narration: '' },
    ],
  };

  it('an untrusted run may not read the worker environment: SR_SECRET_REFUSED naming step and field', async () => {
    const error = await refusal(demo, { trust: 'untrusted', network: { allow: ['127.0.0.1'] } });
    expect(error).toMatchObject({ code: 'SR_SECRET_REFUSED', step: { index: 1, id: 'key' }, field: 'steps.1.value' });
    expect(error.message).toContain('HOME');
    expect(error.message).not.toContain(process.env.HOME!);
  });

  it('an allow-list that does not name it refuses it too; a resolver that lacks it says it is missing', async () => {
    const listed = await refusal(demo, { secrets: ['SR_SOMETHING_ELSE'] });
    expect(listed).toMatchObject({ code: 'SR_SECRET_REFUSED', step: { index: 1, id: 'key' } });
    const vault = await refusal(demo, { secrets: () => undefined });
    expect(vault).toMatchObject({ code: 'SR_SECRET_MISSING', step: { index: 1, id: 'key' }, field: 'steps.1.value' });
  });

  it('a secret the resolver gives passes (then fails on the missing browser)', async () => {
    const error = await refusal(demo, { secrets: (name) => (name === 'HOME' ? 'from-the-vault' : undefined) });
    expect(error.code).toBe('SR_BROWSER_NOT_FOUND');
  });
});

describe('replacement steps pass the same checks', () => {
  it('a replacement that types a secret the run may not read fails with SR_SECRET_REFUSED naming it', async () => {
    const port = new URL(server.url).port;
    const demo: DemoInput = {
      url: '/',
      title: 'x',
      steps: [{ id: 'ghost', action: 'click', target: { text: 'Launch rockets' }, narration: '' }],
    };
    const plugin = playwright({ leadMs: 0, gapMs: 0, stepTimeoutMs: 400, retries: 0 });
    const { config, runDir } = await setupRun(demo, plugin, server.url, {
      trust: 'untrusted',
      network: { allow: [`127.0.0.1:${port}`] },
    });
    const replace = {
      replace: [{ id: 'typed', action: 'fill' as const, target: { label: 'Email' }, value: { env: 'HOME' }, narration: '' }],
    };
    const error = await runPipeline(config, runDir, { until: 'record', decide: () => replace }).then(
      () => undefined,
      (e: ShowrunnerError) => e,
    );
    expect(error).toMatchObject({ code: 'SR_SECRET_REFUSED', step: { index: 0, id: 'ghost.1' }, field: 'steps.0.value' });
    expect(error?.message).not.toContain(process.env.HOME!);
    expect(chromiumChildren()).toEqual([]);
  }, 60_000);
});
