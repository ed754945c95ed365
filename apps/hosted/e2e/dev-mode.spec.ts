import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { APP_DIR, LOG_DIR } from './global-setup';
import { freePort, type Started, start, stop, waitForHttp } from './harness/processes';
import { shoot } from './harness/shots';

// Development mode: the same deployment (database, Redis, workers) served by `next dev` without Clerk
// keys. A banner on every page, a local sign-in where you pick a name, and the app works end to end
// up to the review. A production server refuses to start that way.

/** The deployment's environment without the Clerk keys (what a developer without an account has). */
function devEnv(): NodeJS.ProcessEnv {
  const own = JSON.parse(readFileSync(process.env.E2E_ENV_FILE!, 'utf8')) as Record<string, string>;
  const env: NodeJS.ProcessEnv = { ...process.env, ...own };
  for (const name of Object.keys(env)) if (/CLERK|^NODE_ENV$|^E2E_/.test(name)) delete env[name];
  return env;
}

test.describe('development mode', () => {
  let dev: Started | undefined;
  let base = '';

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    const port = await freePort();
    base = `http://localhost:${port}`;
    dev = start('next dev', 'npx', ['next', 'dev', '-H', 'localhost', '-p', String(port)], {
      cwd: APP_DIR,
      env: devEnv(),
      log: path.join(LOG_DIR, 'next-dev.log'),
    });
    await waitForHttp(`${base}/api/demos`, dev, (res) => res.status === 401, 280_000);
  });

  test.afterAll(async () => {
    await stop(dev);
  });

  test('banner, sign in with a name, create a demo, the plan arrives live, sign out', async ({ page, exampleUrl }) => {
    test.setTimeout(400_000);
    await page.goto(`${base}/`);
    await expect(page.getByTestId('dev-banner')).toContainText('Development mode');
    await page.getByRole('link', { name: 'Sign in to start' }).click();
    await expect(page.getByTestId('dev-banner')).toBeVisible();
    await shoot(page, 'sign-in');
    await page.getByLabel('Your name').fill('Dev Tester');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page).toHaveURL(`${base}/dashboard`, { timeout: 120_000 });
    await expect(page.getByTestId('user-name')).toHaveText('Dev Tester');
    await expect(page.getByTestId('dev-banner')).toBeVisible();

    await page.getByLabel('Web address').fill(exampleUrl);
    await page.getByLabel('What should the video show?').fill('Click the "Sign in" button — Sign in.');
    await page.getByRole('button', { name: 'Create demo' }).click();
    await expect(page).toHaveURL(/\/demo\/[0-9a-f-]{36}$/, { timeout: 120_000 });
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'awaiting_review', { timeout: 180_000 });
    await expect(page.getByTestId('step-card')).toHaveCount(1);
    await expect(page.getByTestId('dev-banner')).toBeVisible();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(`${base}/`);
    await expect(page.getByRole('link', { name: 'Sign in to start' })).toBeVisible();
    const res = await page.request.get(`${base}/api/demos`);
    expect(res.status()).toBe(401);
  });

  test('a forged development cookie is signed out', async ({ playwright }) => {
    const request = await playwright.request.newContext({
      extraHTTPHeaders: { cookie: 'sr_dev_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZXZfYWRtaW4ifQ.AAAA' },
    });
    const res = await request.get(`${base}/api/demos`);
    expect(res.status()).toBe(401);
    expect((await res.json()).error.code).toBe('SR_UNAUTHORIZED');
    await request.dispose();
  });

  test('a production server refuses to start without the Clerk keys', async () => {
    const port = await freePort();
    const prod = start('next start (no Clerk)', 'npx', ['next', 'start', '-H', 'localhost', '-p', String(port)], {
      cwd: APP_DIR,
      env: devEnv(),
      log: path.join(LOG_DIR, 'next-refused.log'),
    });
    try {
      expect(await prod.exited).toBe(1);
    } finally {
      await stop(prod);
    }
    expect(readFileSync(prod.log, 'utf8')).toContain('SR_AUTH_UNCONFIGURED');
  });
});
