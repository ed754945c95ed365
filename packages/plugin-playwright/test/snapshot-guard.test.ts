// The planner's page snapshot under the network guard: the allowed app is read, a non-web URL is
// refused before any browser starts, inward start URLs are refused by the guard, and an allowed
// page that leads inward (302, meta refresh, JS) never shows the inward page to the model.
import { createNetworkGuard } from '@showrunner/core';
import { ariaSnapshot } from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playDns, startServer, type TestServer, watch } from './guard-helpers.js';

let app: TestServer;
let inward: TestServer;
let guard: ReturnType<typeof watch>;
let appUrl: string;

beforeAll(async () => {
  app = await startServer('127.0.0.1');
  inward = await startServer('127.0.0.1', 0, (_req, res) => res.end('<h1>inward secret</h1>'));
  const lookup = playDns({ 'app.test': ['127.0.0.1'], 'inward.test': ['127.0.0.1'], 'private.test': ['10.0.0.1'] });
  guard = watch(createNetworkGuard({ allow: [`127.0.0.1:${app.port}`], lookup }));
  appUrl = `http://app.test:${app.port}`;
});
afterAll(() => Promise.all([app?.close(), inward?.close()]));

describe('ariaSnapshot with a network guard', () => {
  it('reads the allowed app through the guard, in an untrusted browser', async () => {
    const yaml = await ariaSnapshot(`${appUrl}/`, { network: guard, trusted: false });
    expect(yaml).toContain('heading "Allowed app"');
    expect(guard.calls.some((c) => c.host === 'app.test' && c.outcome === 'allowed')).toBe(true);
  });

  it('refuses non-web URLs before a browser starts (SR_URL_REFUSED)', async () => {
    const urls = [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<h1>x</h1>',
      'chrome://version',
      'view-source:http://a.test/',
      'ftp://a.test/',
      '/relative',
      `http://user:pw@app.test:${app.port}/`,
    ];
    let refused = 0;
    for (const url of urls) {
      const err = await ariaSnapshot(url, { network: guard, trusted: false }).catch((e: unknown) => e);
      expect([url, err]).toEqual([url, expect.objectContaining({ code: 'SR_URL_REFUSED', field: 'url' })]);
      refused++;
    }
    expect(refused).toBe(urls.length);
  });

  it('refuses inward start URLs at the guard (SR_NETWORK_REFUSED), every notation', async () => {
    const Q = inward.port;
    const urls = [
      `http://127.0.0.1:${Q}/`,
      `http://localhost:${Q}/`,
      `http://localhost.:${Q}/`,
      `http://[::1]:${Q}/`,
      `http://[::ffff:127.0.0.1]:${Q}/`,
      `http://0.0.0.0:${Q}/`,
      `http://2130706433:${Q}/`,
      `http://0177.0.0.1:${Q}/`,
      `http://0x7f.1:${Q}/`,
      `http://inward.test:${Q}/`,
      'http://10.0.0.1/',
      'http://172.16.0.1/',
      'http://192.168.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://224.0.0.1/',
      'https://private.test/',
    ];
    let refused = 0;
    for (const url of urls) {
      const err = await ariaSnapshot(url, { network: guard, trusted: false }).catch((e: unknown) => e);
      expect([url, err]).toEqual([url, expect.objectContaining({ code: 'SR_NETWORK_REFUSED' })]);
      refused++;
    }
    console.info(`ariaSnapshot start URLs: ${urls.length} hostile, ${refused} refused, ${inward.hits.length} reached`);
    expect(refused).toBe(urls.length);
    expect(inward.hits).toEqual([]);
  });

  it('never shows an inward page that the allowed app leads to (302, meta refresh, JS redirect)', async () => {
    const to = `http://127.0.0.1:${inward.port}/secret`;
    const redirect = await ariaSnapshot(`${appUrl}/redirect?to=${encodeURIComponent(to)}`, {
      network: guard,
      trusted: false,
    }).catch((e: unknown) => e);
    expect(redirect).toMatchObject({ code: 'SR_NETWORK_REFUSED' });
    expect((redirect as Error).message).toContain(`led to 127.0.0.1:${inward.port}, a loopback address`);
    for (const route of ['meta', 'js']) {
      const from = guard.calls.length;
      // The page starts loading, then its own navigation is refused: whatever is read, it is not the inward page.
      const result = await ariaSnapshot(`${appUrl}/${route}?to=${encodeURIComponent(to)}`, {
        network: guard,
        trusted: false,
      }).catch((e: unknown) => e);
      expect(String(result instanceof Error ? result.message : result)).not.toContain('inward secret');
      expect(guard.calls.slice(from).some((c) => c.port === inward.port && c.outcome === 'refused')).toBe(true);
    }
    expect(inward.hits).toEqual([]);
  });
});
