import { readFileSync } from 'node:fs';
import { expect, test, userId } from './fixtures';
import { deliverLemonSqueezy, paymentEvent, subscriptionEvent } from './harness/lemonsqueezy';
import { shoot } from './harness/shots';

// The billing page in the browser, on the production build: a free user's plan and usage, the upgrade
// button opening the checkout over the page (the SDK's createCheckout answered by the local JSON:API
// server the stack starts, LEMONSQUEEZY_API_URL; its stand-in checkout page in the dialog's iframe),
// then LemonSqueezy's webhooks over HTTP — signed as LemonSqueezy signs them — turning the page into
// Pro, then "payment failed"; a forged delivery is refused. At 375 px and 1440 px.

const own = () => JSON.parse(readFileSync(process.env.E2E_ENV_FILE!, 'utf8')) as Record<string, string>;

test('billing: plan and usage, the checkout overlay, the subscription webhook, a failed payment', async ({
  page,
  signIn,
  baseURL,
}) => {
  const env = own();
  const secret = env.LEMONSQUEEZY_WEBHOOK_SECRET!;
  const user = userId('billing');
  await signIn(user);

  await test.step('a free user: the plan, this month, the plan facts, upgrades; the header links here', async () => {
    await page.goto('/dashboard');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
    await expect(page).toHaveURL(/\/billing$/);
    await expect(page.getByRole('heading', { level: 2, name: 'Free' })).toBeVisible();
    await expect(page.getByTestId('plan-status')).toHaveText('Free plan');
    await expect(page.getByText('0 of 3 demos used this period')).toBeVisible();
    await expect(page.getByText('Videos kept 7 days')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Upgrade to Pro' })).toBeEnabled();
    await shoot(page, 'billing-free');
  });

  await test.step('Upgrade opens the checkout in a dialog over the page; Escape closes it, focus back on the button', async () => {
    const upgrade = page.getByRole('button', { name: 'Upgrade to Pro' });
    await upgrade.click();
    const dialog = page.getByRole('dialog', { name: 'Checkout: Pro' });
    await expect(dialog).toBeVisible();
    await expect(dialog.locator('iframe')).toHaveAttribute('src', new RegExp(`^${env.LEMONSQUEEZY_API_URL}/checkout/custom/`));
    await expect(page.frameLocator('iframe').getByRole('heading', { name: 'Showrunner Pro' })).toBeVisible();
    await shoot(page, 'billing-checkout');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(upgrade).toBeFocused();
  });

  const now = Date.now();
  const subscription = (name: string, status: string, at: number) =>
    subscriptionEvent(name, {
      id: `1${String(now).slice(-6)}`,
      userId: user,
      variantId: env.LEMONSQUEEZY_VARIANT_PRO!,
      status,
      updatedAt: new Date(at).toISOString(),
      renewsAt: new Date(now + 30 * 86_400_000).toISOString(),
    });

  await test.step('a forged delivery is refused; the signed subscription_created makes the user Pro', async () => {
    const created = subscription('subscription_created', 'active', now);
    expect((await deliverLemonSqueezy(baseURL!, created, `${secret}x`)).status).toBe(401);
    expect(await deliverLemonSqueezy(baseURL!, created, secret)).toEqual({
      status: 200,
      json: { outcome: 'applied', event: 'subscription_created' },
    });
    expect((await deliverLemonSqueezy(baseURL!, created, secret)).json?.outcome).toBe('duplicate');
    await page.goto('/billing?paid=1');
    await expect(page.getByText('Thank you. Your plan changes here')).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'Pro' })).toBeVisible();
    await expect(page.getByTestId('plan-status')).toHaveText('Active');
    await expect(page.getByText('0 of 30 demos used this period')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Manage subscription and invoices' })).toHaveAttribute(
      'href',
      /lemonsqueezy\.com\/billing/,
    );
    await expect(page.getByRole('button', { name: 'Upgrade to Team' })).toHaveCount(env.LEMONSQUEEZY_VARIANT_TEAM ? 1 : 0);
    await shoot(page, 'billing-pro');
  });

  await test.step('a failed renewal payment shows "Payment failed" with the update-payment link', async () => {
    const failed = paymentEvent('subscription_payment_failed', {
      invoiceId: '1',
      subscriptionId: `1${String(now).slice(-6)}`,
      status: 'pending',
      updatedAt: new Date(now + 60_000).toISOString(),
    });
    expect((await deliverLemonSqueezy(baseURL!, failed, secret)).json?.outcome).toBe('applied');
    await page.reload();
    await expect(page.getByTestId('plan-status')).toHaveText('Payment failed');
    await expect(page.getByText('The last payment failed.')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Update payment method' })).toBeVisible();
  });
});
