import { expect, test, userId } from './fixtures';

// The review's other tools: re-plan one card from a sentence, add a card, delete one, save; then
// cancel the run and delete the demo from its page.

test('re-plan, add and delete cards; cancel and delete the demo', async ({ page, signIn, exampleUrl }) => {
  test.setTimeout(300_000);
  await signIn(userId('review'));
  await page.goto('/dashboard');
  await page.getByLabel('Web address').fill(exampleUrl);
  await page.getByLabel('What should the video show?').fill('Click the "Sign in" button\nScroll down');
  await page.getByRole('button', { name: 'Create demo' }).click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'awaiting_review', { timeout: 180_000 });
  const cards = page.getByTestId('step-card');
  await expect(cards).toHaveCount(2);

  await test.step('re-plan the second card from a sentence', async () => {
    await cards.nth(1).getByRole('button', { name: 'Re-plan from a sentence' }).click();
    await cards
      .nth(1)
      .getByLabel('Describe this step in a sentence')
      .fill('Hover over the "Sign in" button — Point at the button.');
    await cards.nth(1).getByRole('button', { name: 'Re-plan' }).click();
    await expect(cards.nth(1).getByLabel('Action of step 2')).toHaveValue('hover');
    await expect(cards.nth(1).getByLabel('Narration')).toHaveValue('Point at the button.');
  });

  await test.step('add a card, planned from a sentence', async () => {
    await page.getByRole('button', { name: '+ Add step' }).click();
    await expect(cards).toHaveCount(3);
    const sentence = cards.nth(2).getByLabel('Describe this step in a sentence');
    await expect(sentence).toBeFocused();
    await sentence.fill('Wait 1 second — A short pause.');
    await sentence.press('Enter');
    await expect(cards.nth(2).getByLabel('Action of step 3')).toHaveValue('wait');
    await expect(cards.nth(2).getByLabel('Value')).toHaveValue('1000');
  });

  await test.step('delete the first card and save', async () => {
    await page.getByRole('button', { name: 'Delete step 1' }).click();
    await expect(cards).toHaveCount(2);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('unsaved changes')).toHaveCount(0);
    await page.reload();
    await expect(cards).toHaveCount(2);
    await expect(cards.nth(0).getByLabel('Narration')).toHaveValue('Point at the button.');
    await expect(cards.nth(1).getByLabel('Narration')).toHaveValue('A short pause.');
  });

  await test.step('cancel the run, then delete the demo', async () => {
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'cancelled');
    const url = page.url();
    await page.getByRole('button', { name: 'Delete demo' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByTestId('demos-empty')).toBeVisible();
    expect((await page.goto(url))?.status()).toBe(404);
  });
});
