import { expect, test, userId } from './fixtures';
import { expectPlayable } from './harness/player';

// A step that cannot be performed pauses the run; the person sees the failure screenshot and message,
// chooses "describe it by hand", types a sentence, and the run completes with that step instead.

const DESCRIPTION = [
  'Type "ada@example.com" into the "Email" field — Start with the email address.',
  'Click the "Continue with SSO" button — This button is not on the page.',
  'Click the "Sign in" button — Sign in to see your projects.',
].join('\n');
const BY_HAND = 'Type "orbit-demo-password" into the "Password" field — The password, described by hand.';

test('a broken step pauses; described by hand, the run completes with the new step', async ({ page, signIn, exampleUrl }) => {
  test.setTimeout(600_000);
  await signIn(userId('broken'));
  await page.goto('/dashboard');
  await page.getByLabel('Web address').fill(exampleUrl);
  await page.getByLabel('What should the video show?').fill(DESCRIPTION);
  await page.getByRole('button', { name: 'Create demo' }).click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'awaiting_review', { timeout: 180_000 });
  await page.getByRole('button', { name: 'Confirm and record' }).click();

  await test.step('the run pauses with the failure screenshot and message', async () => {
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'paused', { timeout: 300_000 });
    const panel = page.getByTestId('failure-panel');
    await expect(panel.getByRole('heading', { name: 'Step 2 could not be performed' })).toBeVisible();
    await expect(panel.getByTestId('failure-message')).not.toBeEmpty();
    const shot = panel.getByTestId('failure-screenshot');
    await expect.poll(() => shot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
    await expect(panel.getByRole('button', { name: 'Skip this step' })).toBeVisible();
    await expect(panel.getByRole('button', { name: 'Try again' })).toBeVisible();
  });

  await test.step('describe it by hand', async () => {
    await page.getByRole('button', { name: 'Describe it by hand' }).click();
    await page.getByLabel('What should happen instead?').fill(BY_HAND);
    await page.getByRole('button', { name: 'Use this description' }).click();
    await expect(page.getByTestId('failure-panel')).toHaveCount(0, { timeout: 60_000 });
  });

  await test.step('the run completes, the replaced step is in the video', async () => {
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
    await expectPlayable(page, ['The password, described by hand.', 'Sign in to see your projects.']);
    const captions = await page.request.get(`${new URL(page.url()).pathname.replace('/demo/', '/api/demos/')}/files/captions`);
    expect(await captions.text()).not.toContain('This button is not on the page.');
  });
});

test('a broken step answered "skip" is left out and the run completes', async ({ page, signIn, exampleUrl }) => {
  test.setTimeout(600_000);
  await signIn(userId('skip'));
  await page.goto('/dashboard');
  await page.getByLabel('Web address').fill(exampleUrl);
  await page.getByLabel('What should the video show?').fill(DESCRIPTION);
  await page.getByRole('button', { name: 'Create demo' }).click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'awaiting_review', { timeout: 180_000 });
  await page.getByRole('button', { name: 'Confirm and record' }).click();
  await expect(page.getByTestId('failure-panel')).toBeVisible({ timeout: 300_000 });
  await page.getByRole('button', { name: 'Skip this step' }).click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 300_000 });
  await expectPlayable(page, ['Start with the email address.', 'Sign in to see your projects.']);
  const captions = await page.request.get(`${new URL(page.url()).pathname.replace('/demo/', '/api/demos/')}/files/captions`);
  expect(await captions.text()).not.toContain('This button is not on the page.');
});
