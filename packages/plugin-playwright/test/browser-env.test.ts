// An untrusted browser: none of this process's environment (where a worker keeps its keys) reaches
// Chromium, read back from /proc/<pid>/environ of every Chromium process; the sandbox is on unless
// running as root or it fails to start (then the launch is retried without it and says why).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createNetworkGuard } from '@showrunner/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium, launchBrowser, launchInfo } from '../src/browser.js';

const SECRET = 'sr-test-secret-7f3a9c';
const BROWSER_MODULE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/browser.js');

/** Pids of every descendant of `root`, from /proc/<pid>/stat. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {} // the process ended meanwhile
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, p] of parent) {
      if (p !== pid) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/**
 * Environment and command line of every Chromium process under this one, and of crash handlers
 * whose command line names `marker` (Chromium detaches them: their parent is init).
 */
function chromiumProcesses(marker?: string) {
  const mine = new Set(descendants(process.pid));
  return readdirSync('/proc').flatMap((entry) => {
    const pid = Number(entry);
    if (!pid) return [];
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!/chrom/i.test(cmdline[0] ?? '')) return [];
      if (!mine.has(pid) && !(marker && cmdline.some((arg) => arg.includes(marker)))) return [];
      const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
      const env = Object.fromEntries(
        raw
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      // Child processes retitle themselves (setproctitle): the command line becomes one string
      // written over the start of the environment block, so only `raw` can be checked for them.
      const retitled = cmdline.filter(Boolean).length === 1 && cmdline[0]!.includes(' ');
      return [{ pid, cmdline, raw, env, retitled }];
    } catch {
      return []; // ended meanwhile
    }
  });
}

const isMain = (p: { cmdline: string[] }) =>
  p.cmdline.includes('--remote-debugging-pipe') && !p.cmdline.join(' ').includes('--type=');

beforeAll(() => {
  process.env.SR_WORKER_API_KEY = SECRET;
});
afterAll(() => {
  delete process.env.SR_WORKER_API_KEY;
});

describe('untrusted browser launch', () => {
  it('gives Chromium a minimal environment: no parent variable reaches any Chromium process', async () => {
    // Control: a trusted browser inherits the environment, so the probe can see the secret.
    const trusted = await launchBrowser();
    const inherited = chromiumProcesses().find(isMain);
    await trusted.close();
    expect(inherited?.env.SR_WORKER_API_KEY).toBe(SECRET);

    const browser = await launchBrowser({ trusted: false });
    const info = launchInfo(browser)!;
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="p">works</p>');
      expect(await page.textContent('#p')).toBe('works');
      const processes = chromiumProcesses(info.home);
      expect(processes.filter(isMain)).toHaveLength(1);
      // Child processes retitle themselves: their whole command line is one string.
      expect(processes.some((p) => p.cmdline.join(' ').includes('--type=renderer'))).toBe(true);
      expect(processes.some((p) => /crashpad/.test(p.cmdline[0]!))).toBe(true); // detached, found by its database in HOME
      for (const { raw } of processes) expect(raw).not.toContain(SECRET);
      const readable = processes.filter((p) => !p.retitled);
      expect(readable.length).toBeGreaterThanOrEqual(2); // the browser and its crash handlers
      for (const { env } of readable) {
        // Only what launchBrowser gave it, plus what Chromium sets for its crash handlers itself.
        const { HOME, TMPDIR, PATH, LANG, DBUS_SESSION_BUS_ADDRESS, ...rest } = env;
        expect(rest).toEqual({});
        expect([HOME, TMPDIR, PATH, LANG, DBUS_SESSION_BUS_ADDRESS ?? 'disabled:']).toEqual([
          info.home,
          info.home,
          '/usr/bin:/bin',
          'C.UTF-8',
          'disabled:',
        ]);
      }
      expect(existsSync(info.home!)).toBe(true);
    } finally {
      await browser.close();
    }
    await expect.poll(() => existsSync(info.home!)).toBe(false); // the temporary HOME goes with the browser
  });

  it('runs without the sandbox only as root, and says so; trusted runs keep CHROMIUM_ARGS', async () => {
    const browser = await launchBrowser({ trusted: false });
    try {
      const main = chromiumProcesses().find(isMain)!;
      const root = process.getuid?.() === 0;
      expect(launchInfo(browser)).toMatchObject(root ? { sandbox: false, sandboxOff: 'running as root' } : { sandbox: true });
      expect(main.cmdline.includes('--no-sandbox')).toBe(root);
    } finally {
      await browser.close();
    }
    const trusted = await launchBrowser();
    try {
      const main = chromiumProcesses().find(isMain)!;
      expect(main.cmdline).toEqual(expect.arrayContaining(CHROMIUM_ARGS));
      expect(main.cmdline.some((a) => a.startsWith('--proxy-server'))).toBe(false);
      expect(launchInfo(trusted)).toBeUndefined();
    } finally {
      await trusted.close();
    }
  });

  it('as an ordinary user: sandbox on; where it cannot start, retried without it and the reason recorded', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sr-sandbox-'));
    try {
      const chromium = (await findChromium()).path!;
      // Stands in for a machine without user namespaces: refuses to start unless told --no-sandbox.
      const noSandboxHost = path.join(dir, 'chromium-without-namespaces');
      await writeFile(
        noSandboxHost,
        `#!/bin/sh\ncase " $* " in *" --no-sandbox "*) exec ${chromium} "$@";; esac\necho "[FATAL:zygote_host_impl_linux.cc] No usable sandbox!" >&2\nexit 1\n`,
      );
      const script = path.join(dir, 'launch.mjs');
      await writeFile(
        script,
        `import { readFileSync } from 'node:fs';
const { launchBrowser, launchInfo } = await import(${JSON.stringify(pathToFileURL(BROWSER_MODULE).href)});
const browser = await launchBrowser({ trusted: false, executablePath: process.argv[2] || undefined });
const page = await browser.newPage();
await page.setContent('<p>ok</p>');
const text = await page.textContent('p');
const flags = [];
for (const pid of readFileSync('/proc/self/task/' + process.pid + '/children', 'utf8').split(' ').filter(Boolean)) {
  flags.push(...readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\\0'));
}
const { sandbox, sandboxOff } = launchInfo(browser);
console.log(JSON.stringify({ uid: process.getuid(), sandbox, sandboxOff, noSandboxFlag: flags.includes('--no-sandbox'), text }));
await browser.close();
`,
      );
      await chmod(dir, 0o755);
      await chmod(noSandboxHost, 0o755);
      await chmod(script, 0o644);
      const asUser = (...args: string[]) => {
        const command = process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : [];
        const [file, ...rest] = [...command, process.execPath, script, ...args];
        const out = execFileSync(file!, rest, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir }, timeout: 60_000 });
        return JSON.parse(out.trim().split('\n').at(-1)!);
      };
      const sandboxed = asUser();
      expect(sandboxed).toMatchObject({ sandbox: true, noSandboxFlag: false, text: 'ok' });
      expect(sandboxed.sandboxOff).toBeUndefined();
      expect(sandboxed.uid).not.toBe(0);
      const fallback = asUser(noSandboxHost);
      expect(fallback).toMatchObject({ sandbox: false, noSandboxFlag: true, text: 'ok' });
      expect(fallback.sandboxOff).toBe('the sandbox failed to start: [FATAL:zygote_host_impl_linux.cc] No usable sandbox!');
      expect(fallback.uid).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses extra flags that would route around the guards, and stops the proxy with the browser', async () => {
    const network = createNetworkGuard();
    for (const flag of [
      '--proxy-server=direct://',
      '--no-proxy-server',
      '--proxy-bypass-list=*',
      '--host-resolver-rules=MAP * 127.0.0.1',
      '--no-sandbox',
      '--webrtc-ip-handling-policy=default',
    ]) {
      await expect(launchBrowser({ network, trusted: false, extraArgs: [flag] })).rejects.toMatchObject({
        code: 'SR_CONFIG_INVALID',
        field: 'extraArgs',
      });
    }
    const browser = await launchBrowser({ network, trusted: false, extraArgs: ['--force-device-scale-factor=1'] });
    const proxy = launchInfo(browser)!.proxy!;
    const main = chromiumProcesses().find(isMain)!;
    expect(main.cmdline).toEqual(
      expect.arrayContaining([
        `--proxy-server=${proxy.url}`,
        '--proxy-bypass-list=<-loopback>',
        '--webrtc-ip-handling-policy=disable_non_proxied_udp',
        '--force-device-scale-factor=1',
      ]),
    );
    await browser.close();
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      import('node:net').then((net) => net.connect(proxy.port, '127.0.0.1').once('error', resolve));
    });
    expect(error.code).toBe('ECONNREFUSED');
    expect(proxy.sockets).toBe(0);
  });
});
