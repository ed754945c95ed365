// `npm run hosted`: the hosted web app (apps/hosted) and its workers on this machine, in one command.
//   1. scripts/ensure.sh (runs the set-up when something is missing), then `tsc -b` for the packages;
//   2. Postgres (DATABASE_URL) and Redis (REDIS_URL) must answer, else it says which, the URL it tried
//      and how to start it (scripts/hosted-services.mjs);
//   3. the migrations (`npm run migrate -w apps/hosted`);
//   4. the web app and the workers together, their lines prefixed `web │` and `worker │`. Without both
//      Clerk keys the app is in its development mode (a local sign-in, refused under NODE_ENV=production),
//      served by `next dev`; with them it is built when .next is stale and served by `next start`.
//      Always on `localhost`: clerkMiddleware behind `-H 127.0.0.1` proxies to itself forever.
// A signal goes to both (a second one too: the workers then hand their jobs back at once); when either
// ends, the other is stopped and the command exits with the first one's code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent, markBuilt } from './hosted-build.mjs';
import { servicesProblems } from './hosted-services.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const APP = path.join(ROOT, 'apps', 'hosted');
const say = (line) => process.stdout.write(`hosted: ${line}\n`);
const refuse = (lines) => {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
};

// The app's settings files that `next` reads in every mode, read here too so the workers and the
// mode chosen below agree with the web app. Variables already in the environment win.
for (const file of ['.env.local', '.env']) if (existsSync(path.join(APP, file))) process.loadEnvFile(path.join(APP, file));
const bins = [path.join(APP, 'node_modules', '.bin'), path.join(ROOT, 'node_modules', '.bin')];
const env = { ...process.env, PATH: [...bins, process.env.PATH].join(path.delimiter), NEXT_TELEMETRY_DISABLED: '1' };
if (process.stdout.isTTY && !process.env.NO_COLOR) env.FORCE_COLOR = '1';

/** Runs one preparation step in the foreground; its failure ends the command with its code. */
function step(command, args, cwd = ROOT) {
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const port = process.env.PORT || '3000';
if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) refuse([`PORT=${port}: must be a port number, e.g. 3000`]);
const publishable = Boolean(process.env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY);
const secret = Boolean(process.env.CLERK_SECRET_KEY);
const clerk = publishable && secret;
if (!clerk && process.env.NODE_ENV === 'production') {
  refuse([
    'NODE_ENV=production but the Clerk keys are not both set: the development sign-in (anyone picks any name) refuses',
    'production. Set NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY and CLERK_SECRET_KEY (and CLERK_JWT_KEY), or unset NODE_ENV.',
  ]);
}

step('bash', ['scripts/ensure.sh']);
step('tsc', ['-b']);
const problems = await servicesProblems({
  databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/showrunner',
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  root: ROOT,
});
if (problems.length) refuse(problems);
step('npm', ['run', 'migrate', '-w', 'apps/hosted', '--silent']);

if (clerk && !buildIsCurrent(APP, env)) {
  say('building the web app (next build): .next is missing, older than the sources or built with other NEXT_PUBLIC_ values');
  step('next', ['build'], APP);
  markBuilt(APP, env);
}
if (!clerk && (publishable || secret)) {
  say(`only ${publishable ? 'NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY' : 'CLERK_SECRET_KEY'} is set: Clerk needs both keys`);
}

// --- the two long-running processes -------------------------------------------------------------

const TERMINAL_CODES = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** @type {{ name: string, child: import('node:child_process').ChildProcess, exited: boolean, closed: Promise<void> }[]} */
const running = [];

/**
 * Starts `command` in apps/hosted in a process group of its own (so a signal reaches what it starts,
 * e.g. tsx's node or next's server, and nothing is left behind), its lines prefixed with `name`.
 */
function start(name, command, args) {
  const child = spawn(command, args, { cwd: APP, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `${name.padEnd(6)} │ `;
  const done = [child.stdout, child.stderr].map((stream, i) => {
    const out = i === 0 ? process.stdout : process.stderr;
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      if (line && !line.replace(TERMINAL_CODES, '')) return; // e.g. next's "show the cursor" on exit
      out.write(`${prefix}${line}\n`);
    });
    return new Promise((resolve) => stream.once('close', resolve));
  });
  const entry = { name, child, exited: false, closed: Promise.all(done).then(() => {}) };
  const finish = (code, signal) => {
    if (entry.exited) return;
    entry.exited = true;
    signalGroup(child, 'SIGKILL'); // whatever it started and left running
    ended(entry, code ?? 128 + (os.constants.signals[signal] ?? 1), signal);
  };
  child.once('exit', finish);
  child.once('error', (err) => {
    process.stderr.write(`${prefix}${err.message}\n`);
    finish(1, null);
  });
  running.push(entry);
  return entry;
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

let stopping;
let exitCode = 0;

/** Stops both: `signal` to each group still running. Called on our own signal and when one process ends. */
function stopAll(signal, why) {
  if (stopping) {
    say(`${why}: passing it on (the workers hand their jobs back now)`);
  } else {
    stopping = signal;
    let grace = Number.parseInt(process.env.WORKER_GRACE_SECONDS ?? '', 10);
    if (!(grace >= 0)) grace = 60;
    say(`${why}: stopping the web app and the workers (up to ${grace} s for jobs in hand; signal again to hurry)`);
    // A worker that ignores its grace (or a server stuck in a loop) is killed, not waited for forever.
    setTimeout(
      () => {
        for (const r of running) signalGroup(r.child, 'SIGKILL');
      },
      (grace + 30) * 1000,
    ).unref();
  }
  for (const r of running) if (!r.exited) signalGroup(r.child, signal);
}

async function ended(entry, code, signal) {
  if (!stopping) {
    exitCode = code;
    stopAll('SIGTERM', `${entry.name} ended (${signal ?? `exit code ${code}`})`);
  } else if (code !== 0 && signal !== stopping && code !== 128 + os.constants.signals[stopping] && exitCode === 0) {
    exitCode = code;
  }
  if (running.every((r) => r.exited)) {
    await Promise.all(running.map((r) => r.closed));
    say(`stopped${exitCode ? ` (exit code ${exitCode})` : ''}`);
    process.exit(exitCode);
  }
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stopAll(sig === 'SIGHUP' ? 'SIGTERM' : sig, sig));
process.stdout.on('error', () => {}); // the terminal went away: keep stopping the children
// `npm run` starts us from a shell that dies on SIGTERM without passing it on: when our parent is gone,
// nobody is left to stop us, so stop as if signalled.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && !stopping && stopAll('SIGTERM', 'the parent process ended'), 1000).unref();

say(
  clerk
    ? `Clerk sign-in: next start on http://localhost:${port}`
    : `development mode (no Clerk keys; a local sign-in): next dev on http://localhost:${port}`,
);
const web = start('web', 'next', [clerk ? 'start' : 'dev', '-H', 'localhost', '-p', port]);
start('worker', 'tsx', ['src/worker.ts']); // the `worker` script of apps/hosted, without npm in between

// The address to open, once the web app answers (in development mode the first answer compiles `/`).
const url = `http://localhost:${port}`;
while (!stopping && !web.exited) {
  const answered = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(60_000) }).then(
    () => true,
    () => false,
  );
  if (answered && !stopping) {
    say(`open ${url}`);
    break;
  }
  await new Promise((r) => setTimeout(r, 500));
}
