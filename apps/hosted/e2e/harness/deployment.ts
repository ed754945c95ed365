import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, type Started, start, stop, waitForHttp } from './processes';
import { APP_DIR } from './stack';

// A second web server and its workers on the stack the global setup started (same database, build
// and Clerk keys; a different queue prefix or planner), for specs that need other settings.

export { APP_DIR };
/** Logs of the last test run's processes (gitignored). */
export const LOG_DIR = path.join(APP_DIR, 'e2e', '.logs');

/** A running web server and its workers. */
export interface Deployment {
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * `next start -H localhost` on a free port (the build in HOSTED_NEXT_DIST_DIR) and `npm run worker`,
 * both with `env`; resolves once the API answers. `name` prefixes the log files.
 */
export async function startDeployment(env: NodeJS.ProcessEnv, name: string): Promise<Deployment> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const web = start(`${name} web`, 'npx', ['next', 'start', '-H', 'localhost', '-p', String(port)], {
    cwd: APP_DIR,
    env,
    log: path.join(LOG_DIR, `${name}-next.log`),
  });
  const workers: Started = start(`${name} workers`, 'npm', ['run', 'worker'], {
    cwd: APP_DIR,
    env,
    log: path.join(LOG_DIR, `${name}-worker.log`),
  });
  const stopAll = async () => {
    await stop(web);
    await stop(workers);
  };
  try {
    await waitForHttp(`${baseUrl}/api/demos`, web, (res) => res.status === 401);
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { baseUrl, stop: stopAll };
}

/** The test run's deployment settings (written by global-setup), over this process's environment. */
export function deploymentEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const own = JSON.parse(readFileSync(process.env.E2E_ENV_FILE!, 'utf8')) as Record<string, string>;
  const env: NodeJS.ProcessEnv = { ...process.env, ...own };
  for (const name of Object.keys(env)) if (/^NODE_ENV$|^E2E_/.test(name)) delete env[name];
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
