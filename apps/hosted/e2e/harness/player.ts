import { expect, type Page } from '@playwright/test';

/** The page's video loads and plays, its captions track is showing with cues holding `texts`. */
export async function expectPlayable(page: Page, texts: string[]): Promise<void> {
  const video = page.getByTestId('video');
  await expect(video).toBeVisible();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const captions = await video.evaluate(async (v: HTMLVideoElement) => {
    const track = [...v.textTracks].find((t) => t.kind === 'captions');
    if (!track) return undefined;
    for (let i = 0; i < 100 && !track.cues?.length; i++) await new Promise((r) => setTimeout(r, 100));
    return { mode: track.mode, cues: [...(track.cues ?? [])].map((c) => (c as VTTCue).text) };
  });
  expect(captions?.mode).toBe('showing');
  // Long cues are wrapped over two lines: compare the words.
  const spoken = captions?.cues.join(' ').replace(/\s+/g, ' ');
  for (const text of texts) expect(spoken).toContain(text);
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(0.3);
  expect(await video.evaluate((v: HTMLVideoElement) => v.duration)).toBeGreaterThan(1);
}
