// The planner's page snapshot goes through the run's guards. An untrusted run (the hosted app) must
// neither open nor plan against a start URL its policy refuses: a scheme other than http(s), a
// relative URL, credentials, or an address inside the network (checked by the run's real network
// guard). Trusted runs keep warning and planning from the description alone.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type NetworkGuard, ShowrunnerError } from '@showrunner/core';
import openrouter, { type SnapshotFn } from '@showrunner/plugin-openrouter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PLAN, planRun } from './helpers.js';
import { completion, useModelServers } from './model-server.js';

const PAGE = `<!doctype html><html lang="en"><head><title>Acme</title></head><body>
<main><h1>Your projects</h1><button type="button">New project</button></main></body></html>`;
const DESCRIPTION = 'Show how a new user creates a project.';
const server = useModelServers();

let site: Server;
let inner: Server;
let port = 0;
beforeAll(async () => {
  inner = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Admin console</h1>'));
  await new Promise<void>((resolve) => inner.listen(0, '127.0.0.1', resolve));
  const innerUrl = `http://127.0.0.1:${(inner.address() as AddressInfo).port}/admin`;
  // `/go` sends the browser to another local server, one the untrusted run may not reach.
  site = createServer((req, res) =>
    req.url === '/go'
      ? res.writeHead(302, { location: innerUrl }).end()
      : res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  port = (site.address() as AddressInfo).port;
});
afterAll(async () => {
  await Promise.all([site, inner].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

const UNTRUSTED = { trust: 'untrusted' };
/** An untrusted run that may reach the local page (and nothing else inward). */
const allowSite = () => ({ trust: 'untrusted', network: { allow: [`127.0.0.1:${port}`] } });

/** A snapshot option that records its calls; `body` decides what it does. */
function spySnapshot(body: SnapshotFn = async () => '- button "New project"') {
  const calls: { url: string; network?: NetworkGuard; trusted: boolean }[] = [];
  const fn: SnapshotFn = (url, guards) => {
    calls.push({ url, ...guards });
    return body(url, guards);
  };
  return { fn, calls };
}

/** What {@link plan} ends with: the run's output, or the error it (or creating it) threw. */
interface Planned {
  api: Awaited<ReturnType<typeof server>>;
  t?: Awaited<ReturnType<typeof planRun>>;
  out?: Awaited<ReturnType<Awaited<ReturnType<typeof planRun>>['run']>>;
  error?: ShowrunnerError;
}

async function plan(url: string, config: Record<string, unknown>, snapshot: SnapshotFn | false): Promise<Planned> {
  const api = await server([completion(GOOD_PLAN)]);
  const plugin = openrouter({ baseURL: api.baseURL, apiKey: 'test-key', model: 'primary', snapshot });
  // Core may refuse a bad start URL when the run is created; either way nothing is opened or asked.
  try {
    const t = await planRun(plugin, { url, description: DESCRIPTION }, { config });
    try {
      return { api, t, out: await t.run() };
    } catch (e) {
      return { api, t, error: e as ShowrunnerError };
    }
  } catch (e) {
    return { api, error: e as ShowrunnerError };
  }
}

describe('an untrusted run refuses a start URL that is not absolute http(s)', () => {
  const URLS = [
    '/app',
    'app/settings',
    'http://user:secret@example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<h1>hi</h1>',
    'chrome://settings',
    'view-source:http://example.com/',
    'about:blank',
    'ftp://example.com/',
    // The URL parser drops tabs and newlines and leading controls: these are javascript: and file:.
    'java\nscript:alert(1)',
    'java\tscript:alert(1)',
    'fi\rle:///etc/passwd',
    '\u0000file:///etc/passwd',
  ];
  // Core refuses most schemes when the run is created (SR_USAGE); the rest reach the planner.
  it.each(URLS)('%j: refused before any page or model request', async (url) => {
    const spy = spySnapshot();
    const { api, error } = await plan(url, UNTRUSTED, spy.fn);
    expect(error).toBeInstanceOf(ShowrunnerError);
    expect(error!.code).toMatch(/^SR_URL_REFUSED$|^SR_USAGE$/);
    expect(`${error!.message} ${error!.hint}`).toMatch(/http/);
    expect(spy.calls).toHaveLength(0);
    expect(api.requests).toHaveLength(0);
  });

  it('a relative start URL is refused by the planner itself with SR_URL_REFUSED naming the field', async () => {
    const { error } = await plan('/app', UNTRUSTED, spySnapshot().fn);
    expect(error).toMatchObject({ code: 'SR_URL_REFUSED', field: 'url', stage: 'parse' });
    expect(error!.message).toMatch(/"\/app" is not an absolute URL/);
  });

  it('a trusted run warns and plans from the description alone, as before', async () => {
    const spy = spySnapshot();
    const { api, t, out } = await plan('/app', {}, spy.fn);
    expect(out?.demo.steps).toHaveLength(4);
    expect(spy.calls).toHaveLength(0);
    expect(t!.text()).toMatch(/warn Not taking a page snapshot: the start URL "\/app" is not an absolute http\(s\) URL/);
    expect(api.prompt(0)).toMatch(/No snapshot of the start page is available/);
  });
});

describe('an untrusted run refuses a start URL inside the network', () => {
  const INWARD = () => [
    `http://127.0.0.1:${port}/app`,
    `http://localhost:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f.1:${port}/`,
    `http://0177.0.0.1:${port}/`,
    `http://0.0.0.0:${port}/`,
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
  ];
  it('every inward address: SR_NETWORK_REFUSED before any page or model request', async () => {
    const through: string[] = [];
    for (const url of INWARD()) {
      const spy = spySnapshot();
      const { api, error } = await plan(url, UNTRUSTED, spy.fn);
      if (error?.code !== 'SR_NETWORK_REFUSED' || spy.calls.length || api.requests.length) through.push(url);
      else expect(error.message).toMatch(/^Refused a connection to .+: \w+ address\.$/);
    }
    expect(through).toEqual([]);
  });

  it('also with snapshot: false (the recorder would be refused anyway: no model call is spent)', async () => {
    const { api, error } = await plan(`http://127.0.0.1:${port}/app`, UNTRUSTED, false);
    expect(error).toMatchObject({ code: 'SR_NETWORK_REFUSED', stage: 'parse' });
    expect(api.requests).toHaveLength(0);
  });

  it('a trusted run opens a local page as before', async () => {
    const spy = spySnapshot();
    const { out } = await plan(`http://127.0.0.1:${port}/app`, {}, spy.fn);
    expect(out?.demo.steps).toHaveLength(4);
    expect(spy.calls).toEqual([{ url: `http://127.0.0.1:${port}/app`, network: undefined, trusted: true }]);
  });
});

describe("the snapshot gets the run's guard", () => {
  it('a custom snapshot function receives the network guard and trusted: false', async () => {
    const spy = spySnapshot();
    const { out, api } = await plan(`http://127.0.0.1:${port}/app`, allowSite(), spy.fn);
    expect(out?.demo.steps).toHaveLength(4);
    expect(spy.calls).toHaveLength(1);
    expect(spy.calls[0]!.trusted).toBe(false);
    expect(typeof spy.calls[0]!.network?.resolve).toBe('function');
    expect(api.prompt(0)).toContain('- button "New project"');
  });

  it('the real ariaSnapshot plans an allowed local page in an untrusted run', async () => {
    const api = await server([completion(GOOD_PLAN)]);
    const plugin = openrouter({ baseURL: api.baseURL, apiKey: 'test-key', model: 'primary' });
    const t = await planRun(plugin, { url: `http://127.0.0.1:${port}/app`, description: DESCRIPTION }, { config: allowSite() });
    const { demo } = await t.run();
    expect(demo.steps).toHaveLength(4);
    expect(api.prompt(0)).toContain('button "New project"');
  });

  it('the real ariaSnapshot sent inward by a redirect: SR_NETWORK_REFUSED, no plan against it', async () => {
    const api = await server([completion(GOOD_PLAN)]);
    const plugin = openrouter({ baseURL: api.baseURL, apiKey: 'test-key', model: 'primary' });
    const t = await planRun(plugin, { url: `http://127.0.0.1:${port}/go`, description: DESCRIPTION }, { config: allowSite() });
    const error = await t.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SR_NETWORK_REFUSED', stage: 'parse' });
    expect((error as ShowrunnerError).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${(inner.address() as AddressInfo).port}`));
    expect(api.requests).toHaveLength(0);
  });

  it('a snapshot the guard refused (e.g. a redirect inward) fails the run with SR_NETWORK_REFUSED', async () => {
    // What a guarded browser does when the page sends it inward: the guard refuses, the load fails.
    const spy = spySnapshot(async (_url, { network }) => {
      await network!.resolve('127.0.0.1', port + 1);
      return '- button "New project"';
    });
    const { api, error } = await plan(`http://127.0.0.1:${port}/app`, allowSite(), spy.fn);
    expect(error).toMatchObject({ code: 'SR_NETWORK_REFUSED', stage: 'parse' });
    expect(error!.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port + 1}: loopback address`));
    expect(api.requests).toHaveLength(0);
  });

  it('a failed load after a refusal the guard recorded is SR_NETWORK_REFUSED too, not planning blind', async () => {
    const spy = spySnapshot(async (_url, { network }) => {
      await network!.resolve('169.254.169.254', 80).catch(() => {}); // the browser only sees a failed connection
      throw new Error('page.goto: net::ERR_TUNNEL_CONNECTION_FAILED');
    });
    const { api, error } = await plan(`http://127.0.0.1:${port}/app`, allowSite(), spy.fn);
    expect(error).toMatchObject({ code: 'SR_NETWORK_REFUSED', field: 'url' });
    expect(error!.message).toBe('The page snapshot was refused a connection to 169.254.169.254:80: linkLocal address.');
    expect(api.requests).toHaveLength(0);
  });

  it('an untrusted snapshot that fails for another reason is a warning, as in trusted runs', async () => {
    const spy = spySnapshot(async () => {
      throw new Error('page.goto: Timeout 15000ms exceeded');
    });
    const { out, t } = await plan(`http://127.0.0.1:${port}/app`, allowSite(), spy.fn);
    expect(out?.demo.steps).toHaveLength(4);
    expect(t!.text()).toMatch(/warn Page snapshot of .* failed \(page\.goto: Timeout 15000ms exceeded\); planning without it/);
  });

  it('a trusted run whose snapshot fails warns and plans, as before', async () => {
    const spy = spySnapshot(async () => {
      throw new ShowrunnerError('SR_NETWORK_REFUSED', 'refused by some guard of its own');
    });
    const { out, t } = await plan(`http://127.0.0.1:${port}/app`, {}, spy.fn);
    expect(out?.demo.steps).toHaveLength(4);
    expect(t!.text()).toMatch(/warn Page snapshot of .* failed \(refused by some guard of its own\); planning without it/);
  });
});
