import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { type NetworkGuard, ShowrunnerError } from '@showrunner/core';
import type { Browser, LaunchOptions } from 'playwright-core';
import { type SocksProxy, startSocksProxy } from './socks.js';

/** The parts of BrowserOptions (browser.ts) a guarded launch reads. */
export interface GuardedLaunchOptions {
  network?: NetworkGuard;
  trusted?: boolean;
  headless?: boolean;
  extraArgs?: string[];
}

/** How a guarded browser was launched; read with `launchInfo(browser)`. */
export interface LaunchInfo {
  /** True when Chromium runs inside its own sandbox. */
  sandbox: boolean;
  /** Why the sandbox is off: a trusted run, running as root, or the sandboxed launch's error. */
  sandboxOff?: string;
  /** The fresh HOME and TMPDIR of an untrusted browser (removed when it closes). */
  home?: string;
  /** The network guard's proxy (its log lists every connection the browser asked for). */
  proxy?: SocksProxy;
}

export const launchInfos = new WeakMap<Browser, LaunchInfo>();

/**
 * WebRTC sends UDP around any proxy; with this policy it uses only proxied (TCP) transports. Chromium
 * reads the pref switch `--webrtc-ip-handling-policy` (156 has only this one); older builds read the
 * `--force-` switch. Unknown switches are ignored, so both are passed.
 */
export const WEBRTC_PROXIED_ONLY = [
  '--webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
];

/** Flags that would route around the proxy or weaken the browser; refused in a guarded launch. */
const UNGUARDING =
  /^--(proxy-|no-proxy-server|host-resolver-rules|(force-)?webrtc-ip-handling-policy|no-sandbox|disable-setuid-sandbox|no-zygote|single-process|disable-web-security|remote-debugging)/;

/**
 * Launch Chromium with the guards `launchBrowser` was asked for: `network` → every connection
 * through a SOCKS5 proxy on that guard, loopback included (Chromium bypasses loopback by default),
 * and no WebRTC UDP; `trusted: false` → a minimal environment and the sandbox where it starts.
 * The proxy and the temporary HOME go away when the browser disconnects (closed or crashed).
 */
export async function guardedLaunch(
  start: (launch: LaunchOptions) => Promise<Browser>,
  options: GuardedLaunchOptions,
  baseArgs: readonly string[],
): Promise<Browser> {
  const extra = options.extraArgs ?? [];
  const unguarding = extra.find((arg) => UNGUARDING.test(arg));
  if (unguarding) {
    throw new ShowrunnerError('SR_CONFIG_INVALID', `extraArgs: ${unguarding} would switch off a guard of an untrusted run.`, {
      field: 'extraArgs',
      hint: 'Guarded browsers choose their own proxy, sandbox and WebRTC flags; drop this one.',
    });
  }
  const trusted = options.trusted !== false;
  const proxy = options.network ? await startSocksProxy(options.network) : undefined;
  const home = trusted ? undefined : await mkdtemp(path.join(os.tmpdir(), 'sr-chromium-'));
  const cleanup = async () => {
    await proxy?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  };
  const args = [...(trusted ? baseArgs : baseArgs.filter((a) => a !== '--no-sandbox')), ...(proxy ? WEBRTC_PROXIED_ONLY : [])];
  const launch = (sandbox: boolean) =>
    start({
      args: [...args, ...(sandbox || args.includes('--no-sandbox') ? [] : ['--no-sandbox']), ...extra],
      chromiumSandbox: sandbox,
      ...(proxy ? { proxy: { server: proxy.url, bypass: '<-loopback>' } } : {}),
      ...(home ? { env: minimalEnv(home, options.headless ?? true) } : {}),
    });
  try {
    let browser: Browser;
    let info: LaunchInfo;
    if (trusted) {
      browser = await launch(false);
      info = { sandbox: false, sandboxOff: 'trusted run (CHROMIUM_ARGS)', proxy };
    } else if (process.getuid?.() === 0) {
      browser = await launch(false); // Chromium refuses to start its sandbox as root
      info = { sandbox: false, sandboxOff: 'running as root', home, proxy };
    } else {
      try {
        browser = await launch(true);
        info = { sandbox: true, home, proxy };
      } catch (err) {
        browser = await launch(false);
        info = { sandbox: false, sandboxOff: `the sandbox failed to start: ${sandboxError(err)}`, home, proxy };
      }
    }
    launchInfos.set(browser, info);
    browser.once('disconnected', () => void cleanup());
    return browser;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** The browser's own words on why its sandbox failed (its stderr, as Playwright quotes it), else Playwright's. */
function sandboxError(err: unknown): string {
  const lines = stripVTControlCharacters(String((err as Error)?.message ?? err)).split('\n'); // Playwright colours its call log
  const stderr = lines.map((line) => /\[err\]\s*(.*)$/.exec(line)?.[1]).filter((line) => line && /sandbox|namespace/i.test(line));
  return (stderr.at(-1) ?? lines.find((line) => /sandbox/i.test(line)) ?? lines[0] ?? '').trim();
}

/**
 * What an untrusted Chromium gets instead of this process's environment (which holds the worker's
 * keys): a fresh HOME and TMPDIR, a fixed PATH and locale; a display only when it has a window.
 */
function minimalEnv(home: string, headless: boolean): Record<string, string> {
  const env: Record<string, string> = { HOME: home, TMPDIR: home, PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };
  if (!headless) {
    for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'XDG_RUNTIME_DIR']) {
      const value = process.env[name];
      if (value) env[name] = value;
    }
  }
  return env;
}
