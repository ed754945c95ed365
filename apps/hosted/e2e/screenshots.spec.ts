import { expect, test, userId } from './fixtures';
import { shoot } from './harness/shots';

// Every page at 375 px and 1440 px, into docs/screenshots/ (linked from the README). The states are
// real: demos created through the form and recorded by the workers. The sign-in form is shot by the
// development-mode spec (Clerk's own sign-in needs its servers).

const TOUR = [
  'Type "ada@example.com" into the "Email" field — Start with the email address of your account.',
  'Type "orbit-demo-password" into the "Password" field — Then the password; it stays blurred in the video.',
  'Click the "Sign in" button — Sign in to see your projects.',
  'Hover over "Website redesign" — Each project shows its details when you point at it.',
].join('\n');
const BROKEN = [
  'Type "ada@example.com" into the "Email" field — Start with the email.',
  'Click the "Continue with SSO" button — Use single sign-on.',
].join('\n');

test('every page at 375 px and 1440 px', async ({ page, signIn, signOut, exampleUrl }) => {
  test.setTimeout(900_000);
  const create = async (description: string) => {
    await page.goto('/dashboard');
    await page.getByLabel('Web address').fill(exampleUrl);
    await page.getByLabel('What should the video show?').fill(description);
    await page.getByRole('button', { name: 'Create demo' }).click();
    await expect(page).toHaveURL(/\/demo\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'awaiting_review', { timeout: 180_000 });
    return page.url();
  };

  await page.goto('/');
  await shoot(page, 'landing');

  const ada = userId('ada');
  await signIn(ada);
  await page.goto('/dashboard');
  await shoot(page, 'dashboard-empty');

  const tour = await create(TOUR);
  await shoot(page, 'demo-review');
  await page.getByRole('button', { name: 'Confirm and record' }).click();
  await expect(page.getByTestId('step-of')).toBeVisible({ timeout: 300_000 });
  await shoot(page, 'demo-recording');
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 420_000 });
  await page.reload();
  await page.getByRole('button', { name: 'Create share link' }).click();
  const shareUrl = await page.getByTestId('share-link').first().getByRole('textbox').inputValue();
  await expect.poll(() => page.getByTestId('video').evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThan(0);
  await shoot(page, 'demo-done');

  const broken = await create(BROKEN);
  await page.getByRole('button', { name: 'Confirm and record' }).click();
  await expect(page.getByTestId('failure-panel')).toBeVisible({ timeout: 300_000 });
  await shoot(page, 'demo-paused');

  await create('Click the "Sign in" button — Sign in.');
  await page.goto('/dashboard');
  await expect(page.getByTestId('demo-item')).toHaveCount(3);
  await shoot(page, 'dashboard');

  expect((await page.goto('/demo/00000000-0000-4000-8000-000000000000'))?.status()).toBe(404);
  await shoot(page, 'demo-not-found');
  await page.goto(broken);
  await page.getByRole('button', { name: 'Cancel run' }).click();

  await signOut();
  await page.goto(shareUrl);
  await expect.poll(() => page.getByTestId('video').evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThan(0);
  await shoot(page, 'share');
  await signIn(ada);
  await page.goto(tour);
  await page.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByText('1 revoked link')).toBeVisible();
  await signOut();
  await page.goto(shareUrl);
  await expect(page.getByTestId('share-unavailable')).toHaveAttribute('data-state', 'revoked');
  await shoot(page, 'share-revoked');
});
