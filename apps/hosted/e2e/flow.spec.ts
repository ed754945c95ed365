import type { Browser, Page } from '@playwright/test';
import { expect, loopbackOnly, test, userId } from './fixtures';
import { watch } from './harness/page-watch';
import { expectPlayable } from './harness/player';

// The whole way through, in the browser, as a person does it: create a demo from a URL of the
// examples app and a description, watch the plan arrive live, edit a card's narration, reorder two
// cards, confirm, watch the progress move, play the finished video with captions and chapters, and
// open the share link signed out. Clerk as in production; the script parser plans (no model).

const DESCRIPTION = [
  'Type "ada@example.com" into the "Email" field — Start with the email address.',
  'Type "orbit-demo-password" into the "Password" field — Then the password.',
  'Click the "Sign in" button — Sign in to see your projects.',
].join('\n');
const EDITED = 'Type the email address of your Orbit account.';

test('create, review, record, watch and share a demo', async ({ page, signIn, exampleUrl, browser, baseURL }) => {
  test.setTimeout(600_000);
  await signIn(userId('flow'));

  await test.step('create a demo from the dashboard form', async () => {
    await page.goto('/dashboard');
    await page.getByLabel('Web address').fill(exampleUrl);
    await page.getByLabel('What should the video show?').fill(DESCRIPTION);
    await page.getByLabel('Narration language').selectOption('en');
    await page.getByRole('button', { name: 'Create demo' }).click();
    await expect(page).toHaveURL(/\/demo\/[0-9a-f-]{36}$/);
  });

  await test.step('the plan arrives live, without a reload', async () => {
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'awaiting_review', { timeout: 180_000 });
    await expect(page.getByTestId('step-card')).toHaveCount(3);
  });
  const cards = page.getByTestId('step-card');
  const ids = async () => cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-step-id')));

  await test.step('an error from saving is shown on the card it names', async () => {
    const value = cards.nth(0).getByLabel('Value');
    await value.fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(cards.nth(0).getByTestId('card-error')).toContainText('value');
    await expect(value).toHaveAttribute('aria-invalid', 'true');
    await value.fill('ada@example.com');
  });

  await test.step('edit a narration and reorder two cards (keyboard drag, then the buttons)', async () => {
    await cards.nth(0).getByLabel('Narration').fill(EDITED);
    const [first, second, third] = await ids();
    // dnd-kit's keyboard sensor: space picks the card up, arrow moves it, space drops it.
    await page.getByRole('button', { name: /^Drag step 2\./ }).focus();
    // Each key waits for what dnd-kit announces to screen readers, as a person waits for the card to move.
    const announced = page.locator('[id^="DndLiveRegion"]');
    await page.keyboard.press('Space');
    await expect(announced).toHaveText(/Picked up step 2\.|Step 2 is over position 2\./);
    await page.keyboard.press('ArrowUp');
    await expect(announced).toHaveText('Step 2 is over position 1.');
    await page.keyboard.press('Space');
    await expect(announced).toHaveText('Step 2 dropped at position 1.');
    await expect.poll(ids).toEqual([second, first, third]);
    // And with the visible buttons: down and back up again.
    await page.getByRole('button', { name: 'Move step 1 down' }).click();
    await expect.poll(ids).toEqual([first, second, third]);
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    await expect.poll(ids).toEqual([second, first, third]);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('unsaved changes')).toHaveCount(0);
    // Saved on the server: a reload shows the same order and narration.
    await page.reload();
    await expect.poll(ids).toEqual([second, first, third]);
    await expect(cards.nth(1).getByLabel('Narration')).toHaveValue(EDITED);
  });

  await test.step('confirm; the status, progress and steps move live to done', async () => {
    const seen = await watch(page);
    await page.getByRole('button', { name: 'Confirm and record' }).click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 420_000 });
    const { statuses, progress, stepOf } = await seen();
    expect(statuses).toContain('running');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.some((p, i) => i > 0 && p > progress[i - 1]!)).toBe(true);
    expect(stepOf.some((s) => /step \d of 3/.test(s))).toBe(true);
  });

  await test.step('the finished video plays, with captions and chapters', async () => {
    await expectPlayable(page, [EDITED]);
    const chapters = page.getByTestId('chapters').getByRole('button');
    await expect(chapters).toHaveCount(3);
    await chapters.nth(2).click();
    const start = await page.getByTestId('video').evaluate((v: HTMLVideoElement) => v.currentTime);
    expect(start).toBeGreaterThan(0.5);
    // The video seeks: a Range request is answered 206 with exactly those bytes.
    const videoUrl = await page.getByTestId('video').locator('source').getAttribute('src');
    const part = await page.request.get(videoUrl!, { headers: { range: 'bytes=100-1123' } });
    expect(part.status()).toBe(206);
    expect(part.headers()['content-range']).toMatch(/^bytes 100-1123\/\d+$/);
    expect((await part.body()).length).toBe(1024);
    const download = await page.request.get((await page.getByTestId('download').getAttribute('href'))!);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toContain('attachment');
    expect(download.headers()['content-type']).toBe('video/mp4');
  });

  const shareUrl = await test.step('create a share link', async () => {
    await page.getByRole('button', { name: 'Create share link' }).click();
    const field = page.getByTestId('share-link').first().getByRole('textbox');
    await expect(field).toHaveValue(new RegExp(`^${baseURL}/share/[A-Za-z0-9_-]{43}$`));
    return field.inputValue();
  });

  await test.step('the share link opens signed out, in a browser that never signed in', async () => {
    const stranger = await freshPage(browser);
    const res = await stranger.goto(shareUrl);
    expect(res?.status()).toBe(200);
    await expect(stranger.getByRole('heading', { level: 1 })).toBeVisible();
    const poster = await stranger.locator('meta[property="og:image"]').getAttribute('content');
    expect(poster).toMatch(/\/api\/share\/[A-Za-z0-9_-]{43}\/files\/poster$/);
    expect(await stranger.locator('meta[name="twitter:card"]').getAttribute('content')).toBe('summary_large_image');
    expect((await stranger.request.get(poster!)).headers()['content-type']).toMatch(/^image\//);
    await expectPlayable(stranger, [EDITED]);
    await stranger.context().close();
  });

  await test.step('revoked, the link shows a clear page and its files are gone', async () => {
    await page.getByRole('button', { name: 'Revoke' }).click();
    await expect(page.getByText('1 revoked link')).toBeVisible();
    const stranger = await freshPage(browser);
    await stranger.goto(shareUrl);
    await expect(stranger.getByTestId('share-unavailable')).toHaveAttribute('data-state', 'revoked');
    await expect(stranger.getByRole('heading', { name: 'This link was turned off' })).toBeVisible();
    const token = shareUrl.split('/').pop();
    expect((await stranger.request.get(`/api/share/${token}/files/video`)).status()).toBe(404);
    await stranger.context().close();
  });
});

/** A page in a new browser context with no cookies at all (not even Clerk's dev-browser one). */
async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL });
  await loopbackOnly(context);
  return context.newPage();
}
