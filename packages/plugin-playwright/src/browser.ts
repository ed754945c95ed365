import { existsSync } from 'node:fs';
import path from 'node:path';
import { type NetworkGuard, ShowrunnerError } from '@showrunner/core';
import type { Browser, LaunchOptions } from 'playwright-core';
import { guardedLaunch, type LaunchInfo, launchInfos } from './guard/launch.js';

/** Flags that make Chromium work as root in a container with no network (see research/feas-rec.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** How to find and start the browser. Shared by the recorder and `ariaSnapshot`. */
export interface BrowserOptions {
  /** Path to a Chromium or Chrome binary; wins over every other way of finding one. */
  executablePath?: string;
  /** Default true; false shows the window (needs a display). */
  headless?: boolean;
  /** Flags added after {@link CHROMIUM_ARGS} (the recorder adds `--force-device-scale-factor`). */
  extraArgs?: string[];
  /**
   * Untrusted runs (`ctx.policy.network`): every connection of the browser, loopback included, goes
   * through a local SOCKS5 proxy that asks this guard and connects only to the address it allowed.
   */
  network?: NetworkGuard;
  /**
   * Default true. False (`ctx.policy.trusted`): Chromium gets a minimal environment instead of this
   * process's, and its sandbox unless this process runs as root or the sandbox fails to start.
   */
  trusted?: boolean;
}

const SYSTEM = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/**
 * Find a browser: `executablePath` option → `SHOWRUNNER_CHROMIUM` → a system chromium/chrome on
 * PATH → Playwright's managed Chromium. Returns what was tried, for the error when nothing is found.
 */
export async function findChromium(options: BrowserOptions = {}): Promise<{ path?: string; tried: string[] }> {
  const tried: string[] = [];
  const check = (candidate: string | undefined, label: string) => {
    if (!candidate) return undefined;
    tried.push(`${label}: ${candidate}`);
    return existsSync(candidate) ? candidate : undefined;
  };
  const explicit =
    check(options.executablePath, 'executablePath option') ?? check(process.env.SHOWRUNNER_CHROMIUM, 'SHOWRUNNER_CHROMIUM');
  if (explicit) return { path: explicit, tried };
  if (options.executablePath || process.env.SHOWRUNNER_CHROMIUM) return { tried }; // asked for one that is missing

  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of SYSTEM) {
    tried.push(`${name} on PATH`);
    const found = dirs.map((d) => path.join(d, name)).find((p) => existsSync(p));
    // Debian's /usr/bin/chromium is a shell wrapper that adds flags and noise; the real binary works directly.
    if (found)
      return {
        path: found === '/usr/bin/chromium' && existsSync('/usr/lib/chromium/chromium') ? '/usr/lib/chromium/chromium' : found,
        tried,
      };
  }
  const { chromium } = await import('playwright-core');
  return { path: check(chromium.executablePath(), "Playwright's managed Chromium"), tried };
}

/**
 * Launch headless Chromium, or throw SR_BROWSER_NOT_FOUND saying how to get one. Trusted runs get
 * {@link CHROMIUM_ARGS}; untrusted ones the guards of `network` and `trusted: false` (see
 * guard/launch.ts). Called by the recorder once per recording and by `ariaSnapshot` once per page.
 */
export async function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const { path: executablePath, tried } = await findChromium(options);
  if (!executablePath) {
    throw new ShowrunnerError('SR_BROWSER_NOT_FOUND', `No Chromium found. Tried:\n${tried.map((t) => `  - ${t}`).join('\n')}`, {
      stage: 'record',
      hint:
        'Install one: `sudo apt-get install chromium` (Debian/Ubuntu) or `npx playwright install chromium`, ' +
        'or point SHOWRUNNER_CHROMIUM at a Chrome/Chromium binary.',
    });
  }
  const { chromium } = await import('playwright-core');
  const base: LaunchOptions = { executablePath, headless: options.headless ?? true };
  try {
    if (options.trusted === false || options.network) {
      return await guardedLaunch((launch) => chromium.launch({ ...base, ...launch }), options, CHROMIUM_ARGS);
    }
    return await chromium.launch({ ...base, args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])] });
  } catch (err) {
    if (err instanceof ShowrunnerError) throw err;
    throw new ShowrunnerError(
      'SR_BROWSER_NOT_FOUND',
      `Chromium at ${executablePath} failed to start: ${(err as Error).message.split('\n')[0]}`,
      {
        stage: 'record',
        cause: err,
        hint: `Check that the binary runs: \`${executablePath} --version\`.`,
      },
    );
  }
}

/**
 * How a browser from {@link launchBrowser} was guarded: its sandbox (and why not), its environment,
 * its proxy. Undefined for a trusted browser without a network guard. The recorder reads it to say
 * in the run's log why a page could not load and whether the sandbox was on.
 */
export function launchInfo(browser: Browser): LaunchInfo | undefined {
  return launchInfos.get(browser);
}
