import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';

// The long-running processes of a test run (next start, next dev, the workers): each in its own
// process group so stopping it also stops what it started (npm → tsx → node), by its id only.

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A started process, its output going to `log`. */
export interface Started {
  child: ChildProcess;
  name: string;
  log: string;
  /** Resolves with the exit code when it ends. */
  exited: Promise<number | null>;
}

/** Starts `command` in its own process group with `env`, writing stdout and stderr to `log`. */
export function start(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: string },
): Started {
  const out = createWriteStream(options.log, { flags: 'a' });
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, name, log: options.log, exited };
}

/** Runs a command to its end; rejects with its output's tail when it fails. */
export async function runToEnd(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: string },
): Promise<void> {
  const started = start(name, command, args, options);
  const code = await started.exited;
  if (code !== 0) {
    const { readFile } = await import('node:fs/promises');
    const tail = (await readFile(options.log, 'utf8').catch(() => '')).slice(-3000);
    throw new Error(`${name} exited with ${code}:\n${tail}`);
  }
}

/** Polls `url` until `ready(response)` holds; rejects when the process ends first or after `timeoutMs`. */
export async function waitForHttp(
  url: string,
  started: Started,
  ready: (res: Response) => boolean,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  void started.exited.then(() => {
    ended = true;
  });
  while (Date.now() < deadline) {
    if (ended) throw new Error(`${started.name} ended before it answered ${url} (log: ${started.log})`);
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      if (ready(res)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${started.name} did not answer ${url} in ${timeoutMs / 1000} s (log: ${started.log})`);
}

/** SIGTERM to the process group, SIGKILL after `graceMs` if it is still there. */
export async function stop(started: Started | undefined, graceMs = 10_000): Promise<void> {
  if (!started || started.child.exitCode !== null || started.child.signalCode !== null) return;
  const pid = started.child.pid;
  if (pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await started.exited;
  clearTimeout(timer);
  // What the group leader left behind (a worker's child) goes too.
  signal('SIGKILL');
}
