import { readFileSync } from 'node:fs';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { expect, test, userId } from './fixtures';
import { lemonSqueezyHeaders, subscriptionEvent } from './harness/lemonsqueezy';
import { watch } from './harness/page-watch';
import { expectPlayable } from './harness/player';
import { shoot } from './harness/shots';

// Flow C of the seed, in the browser: a free user with no credit left creates a demo, which is planned
// and reviewed as every demo is (the review says the recording waits for payment); confirming waits as
// awaiting_payment; LemonSqueezy's subscription webhook — signed as LemonSqueezy signs it, hex
// HMAC-SHA256 of the raw body in X-Signature — credits the account, and the open page moves on by
// itself, live, through the recording to the video, with no click (free → pro: no watermark). Its expiry comes: the dashboard warns, the worker's housekeeping sweep (every second in
// this stack) removes the files, the share page says so. Then Clerk deletes the user (a svix-signed user.deleted): their still-valid session gets
// 401 and their demo is gone.

const DESCRIPTION = [
  'Type "ada@example.com" into the "Email" field — Start with the email address.',
  'Click the "Sign in" button — Sign in to see your projects.',
].join('\n');
const own = () => JSON.parse(readFileSync(process.env.E2E_ENV_FILE!, 'utf8')) as Record<string, string>;

async function sql(text: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

test('a demo made at quota is reviewed, waits for payment at confirm and records by itself when the subscription webhook arrives', async ({
  page,
  signIn,
  apiAs,
  exampleUrl,
  baseURL,
}) => {
  test.setTimeout(600_000);
  const user = userId('payment');
  await signIn(user);
  const env = own();

  await test.step('a free user at quota sees the no-credits notice with the upgrade button', async () => {
    await page.goto('/dashboard'); // the first request inserts the user
    await sql('update users set credits = 0 where id = $1', [user]);
    await page.reload();
    await expect(page.getByTestId('credits')).toHaveText('0 credits left');
    const notice = page.getByTestId('no-credits');
    await expect(notice).toContainText('it records by itself once your plan is upgraded');
    await expect(notice.getByRole('button', { name: 'Upgrade to Pro' })).toBeEnabled();
  });

  await test.step('the demo is planned all the same; its review says the recording waits for payment', async () => {
    await page.getByLabel('Web address').fill(exampleUrl);
    await page.getByLabel('What should the video show?').fill(DESCRIPTION);
    await page.getByRole('button', { name: 'Create demo (review now, record after payment)' }).click();
    await expect(page).toHaveURL(/\/demo\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'awaiting_review', { timeout: 180_000 });
    await expect(page.getByTestId('step-card')).toHaveCount(2);
    const notice = page.getByTestId('needs-payment');
    await expect(notice).toContainText('Review the steps now; recording starts by itself once your plan is upgraded.');
    await expect(notice.getByRole('button', { name: 'Upgrade to Pro' })).toBeEnabled();
    await shoot(page, 'needs-payment-review');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
  const demoId = page.url().split('/').at(-1)!;
  expect(await sql('select status, charged from runs where id = $1', [demoId])).toEqual([
    { status: 'awaiting_review', charged: false },
  ]);

  await test.step('confirming with no credit waits for payment, the cards kept', async () => {
    await page.getByRole('button', { name: 'Confirm (records after payment)' }).click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'awaiting_payment');
    await expect(page.getByTestId('stage')).toHaveText(
      'Waiting for payment: the steps are confirmed; recording starts by itself when your plan is upgraded.',
    );
    const panel = page.getByTestId('awaiting-payment');
    await expect(panel).toContainText('Waiting for payment — this demo records by itself when your plan is upgraded');
    await expect(panel.getByRole('button', { name: 'Upgrade to Pro' })).toBeEnabled();
    await expect(page.getByTestId('connection')).toHaveText('Live');
    await shoot(page, 'awaiting-payment');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
  expect(await sql('select status, charged from runs where id = $1', [demoId])).toEqual([
    { status: 'awaiting_payment', charged: false },
  ]);

  await test.step('the subscription webhook arrives: the page records and finishes live, with no click or reload', async () => {
    const seen = await watch(page);
    // Every click on the page from here on is counted: none may be needed.
    await page.evaluate(() => {
      const w = window as unknown as { __clicks: number };
      w.__clicks = 0;
      document.addEventListener('click', () => (w.__clicks += 1), true);
    });
    const body = subscriptionEvent('subscription_created', {
      id: `${Date.now() % 1_000_000}`,
      userId: user,
      variantId: env.LEMONSQUEEZY_VARIANT_PRO!,
      status: 'active',
      updatedAt: new Date().toISOString(),
      renewsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    const res = await page.request.post('/api/webhooks/lemonsqueezy', {
      data: body,
      headers: lemonSqueezyHeaders(body, env.LEMONSQUEEZY_WEBHOOK_SECRET!, 'subscription_created'),
    });
    expect(res.status()).toBe(200);
    expect((await res.json()).outcome).toBe('applied');
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 420_000 });
    const { statuses } = await seen();
    expect(statuses[0]).toBe('awaiting_payment');
    expect(statuses).toContain('running');
    expect(statuses).not.toContain('awaiting_review');
    expect(await page.evaluate(() => (window as unknown as { __clicks: number }).__clicks)).toBe(0);
    await expectPlayable(page, ['Start with the email address.']);
    expect(await sql('select plan, credits from users where id = $1', [user])).toEqual([{ plan: 'pro', credits: 29 }]);
    expect(await sql('select charged from runs where id = $1', [demoId])).toEqual([{ charged: true }]);
    // Pro keeps videos 90 days.
    const [{ days }] = await sql(
      'select round(extract(epoch from d.expires_at - r.finished_at) / 86400) as days from demos d join runs r on r.id = d.run_id where d.id = $1',
      [demoId],
    );
    expect(Number(days)).toBe(90);
  });

  await test.step('retention: the dashboard warns ahead, then the sweep removes the video and the share page says so', async () => {
    const api = await apiAs(user);
    const share = await api('POST', `/api/demos/${demoId}/shares`);
    expect(share.status).toBe(201);
    // Time passes (the expiry moved, not the clock): two days left, then none.
    await sql("update demos set expires_at = now() + interval '47 hours' where id = $1", [demoId]);
    await page.goto('/dashboard');
    await expect(page.getByTestId('demo-item').getByTestId('expiry')).toHaveText('Expires in 2 days');
    await sql("update demos set expires_at = now() - interval '1 minute' where id = $1", [demoId]);
    await expect
      .poll(async () => (await sql('select expired_at from demos where id = $1', [demoId]))[0]?.expired_at, { timeout: 60_000 })
      .toBeTruthy();
    await page.goto(share.json.path);
    await expect(page.getByRole('heading', { name: 'This video has expired' })).toBeVisible();
    expect((await api('GET', `/api/demos/${demoId}/files/video`)).status).toBe(404);
    await page.goto(`/demo/${demoId}`);
    await expect(page.getByTestId('expired')).toContainText('This video has expired');
    await page.goto('/dashboard');
    await expect(page.getByTestId('demo-item').getByTestId('expiry')).toHaveText('Video expired');
  });

  await test.step('Clerk deletes the user: their still-valid session gets 401, their demo is gone', async () => {
    const api = await apiAs(user);
    expect((await api('GET', `/api/demos/${demoId}`)).status).toBe(200);
    const id = `msg_e2e_${Date.now()}`;
    const at = new Date();
    const payload = JSON.stringify({ type: 'user.deleted', object: 'event', data: { id: user, object: 'user', deleted: true } });
    const res = await page.request.post('/api/webhooks/clerk', {
      data: payload,
      headers: {
        'content-type': 'application/json',
        'svix-id': id,
        'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
        'svix-signature': new Webhook(env.CLERK_WEBHOOK_SECRET!).sign(id, at, payload),
      },
    });
    expect(res.status()).toBe(200);
    expect((await api('GET', '/api/demos')).status).toBe(401);
    expect(await sql('select count(*)::int as n from demos where owner_id = $1', [user])).toEqual([{ n: 0 }]);
    await page.goto('/dashboard');
    await expect(page).toHaveURL(new RegExp(`^${baseURL}/sign-in`));
  });
});
