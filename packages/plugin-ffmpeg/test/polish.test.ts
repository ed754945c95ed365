import { readFile } from 'node:fs/promises';
import path from 'node:path';
import installer from '@ffmpeg-installer/ffmpeg';
import { resolveConfig, runStage } from '@showrunner/core';
import ffmpeg, { type FfmpegMergeOutput } from '@showrunner/plugin-ffmpeg';
import { beforeAll, describe, expect, it } from 'vitest';
import { CURSOR_CSS, eachFrame, parseVtt, probeFile, redBox, toneWav } from './media.js';
import { demoWith, framesFor, type ScenarioPlan, type StepPlan, tempDir, writeRun } from './scenario.js';

const BUILDS = [
  { name: 'Debian ffmpeg 5.1', path: '/usr/bin/ffmpeg' },
  { name: '@ffmpeg-installer/ffmpeg (2018 static 4.x)', path: installer.path },
];

const clip = (ms: number, text: string) => ({ wav: toneWav({ ms, rate: 24_000, amp: 0.3 }), rate: 24_000, durationMs: ms, text });
const steps: StepPlan[] = [
  { status: 'done', startMs: 0, narrationMs: 200, endMs: 1000, clip: clip(700, 'Here is the app.') },
  {
    status: 'done',
    startMs: 1000,
    narrationMs: 1200,
    endMs: 2000,
    box: { x: 340, y: 120, width: 240, height: 48 },
    clip: clip(1200, 'Click the blue button.'),
  },
  {
    status: 'done',
    startMs: 3000,
    narrationMs: 3200,
    endMs: 4200,
    box: { x: 340, y: 200, width: 180, height: 36 },
    clip: clip(1000, 'Fill in the green field.'),
  },
  { status: 'done', startMs: 5000, narrationMs: 5100, endMs: 5500, clip: clip(600, 'Done.') },
];
const plan: ScenarioPlan = {
  demo: demoWith(
    ['goto', 'click', 'fill', 'press'],
    steps.map((s) => s.clip!.text),
    [undefined, undefined, undefined, undefined],
  ),
  look: { viewport: { width: 640, height: 360 }, dpr: 2, dark: true },
  durationMs: 6000,
  steps,
  frames: framesFor(steps, 6000, 11),
};
const INTRO_MS = 1500;
/** Line 1 (200 + 700 + 300 ms tail) overruns its step by 200 ms: a 6-frame hold at 1000 ms. */
const HOLD_MS = 200;
const outMs = (recMs: number) => INTRO_MS + recMs + (recMs >= 1000 ? HOLD_MS : 0);
const OUTRO_MS = 2500;
const W = 640;
const H = 360;
const BRAND: [number, number, number] = [37, 99, 235];

describe.each(BUILDS)('polish options with $name', (build) => {
  let out: FfmpegMergeOutput;
  let runDir: string;
  let mp4: string;

  beforeAll(async () => {
    const root = await tempDir();
    const merge = ffmpeg({
      ffmpegPath: build.path,
      zoom: true,
      intro: { title: 'Merge test', subtitle: 'A walk through the app', durationMs: INTRO_MS },
      outro: true,
      brandColor: '#2563eb',
      captions: 'both',
      gif: { width: 320, fps: 8 },
      webm: true,
    });
    const config = await resolveConfig({ merge }, { root });
    runDir = await writeRun(config.runsDir, plan);
    out = (await runStage(config, 'merge', runDir)) as FfmpegMergeOutput;
    mp4 = path.join(runDir, out.files[0]!.path);
  }, 180_000);

  it('scales 2× frames to the viewport and adds intro and outro cards with chapters', async () => {
    expect(out).toMatchObject({ width: W, height: H, durationMs: INTRO_MS + 6000 + HOLD_MS + OUTRO_MS });
    const probe = await probeFile(mp4);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: W, height: H, nb_frames: '306' });
    expect(probe.chapters.map((c) => c.tags?.title)).toEqual([
      'Intro',
      'Here is the app',
      'Click the blue button',
      'Fill in the green field',
      'Done',
      'Outro',
    ]);
    expect(Number(probe.chapters[1]!.start_time)).toBeCloseTo(INTRO_MS / 1000, 2);
    expect(Number(probe.chapters[2]!.start_time)).toBeCloseTo(outMs(1000) / 1000, 2);
  });

  it('paints the cards in the brand colour with text, zooms smoothly without cropping the cursor, burns captions', async () => {
    const cues = parseVtt(await readFile(path.join(path.dirname(mp4), 'captions.vtt'), 'utf8'));
    const cueAt = (ms: number) => cues.some((c) => ms >= c.startMs && ms < c.endMs);
    const cursor: { n: number; width: number }[] = [];
    const burned: { n: number; rows: number }[] = [];
    const cards: { n: number; corner: number[]; bright: number }[] = [];
    await eachFrame(mp4, { width: W, height: H }, (rgb, n) => {
      const ms = (n * 1000) / 30;
      if (ms < INTRO_MS || ms >= outMs(6000)) {
        let bright = 0;
        for (let i = 0; i < rgb.length; i += 3) if (rgb[i]! > 220 && rgb[i + 1]! > 220 && rgb[i + 2]! > 220) bright++;
        cards.push({ n, corner: [...rgb.subarray((20 * W + 20) * 3, (20 * W + 20) * 3 + 3)], bright });
        return;
      }
      const box = redBox(rgb, W);
      expect(box, `cursor visible in frame ${n}`).toBeDefined();
      expect(box!.x0 > 0 && box!.y0 > 0 && box!.x1 < W - 1 && box!.y1 < H - 1, `cursor inside frame ${n}`).toBe(true);
      cursor.push({ n, width: box!.x1 - box!.x0 + 1 });
      let rows = 0;
      for (let y = Math.round(H * 0.78); y < H; y++) {
        let white = 0;
        for (let x = 0; x < W; x++) {
          const i = (y * W + x) * 3;
          if (rgb[i]! > 200 && rgb[i + 1]! > 200 && rgb[i + 2]! > 200) white++;
        }
        if (white > 2) rows++;
      }
      burned.push({ n, rows });
      const nextCue = cues.find((c) => c.endMs > ms)?.startMs ?? Infinity;
      if (!cueAt(ms) && Math.abs(ms - nextCue) > 100) expect(rows, `no caption in ${n}`).toBe(0);
    });

    // Cards: brand colour in the corner (after the fade-in, before the fade-out) and white text.
    const steady = cards.filter((c) => c.n === 30 || c.n === Math.round(((outMs(6000) + 800) * 30) / 1000));
    expect(steady).toHaveLength(2);
    for (const c of steady) {
      for (const [i, v] of c.corner.entries()) expect(Math.abs(v - BRAND[i]!), `card colour ${c.n}`).toBeLessThan(14);
      expect(c.bright, `card text ${c.n}`).toBeGreaterThan(200);
    }

    // Zoom: full frame at each step start, about 1.6× while a boxed step holds, and gradual (a cut
    // would jump 8+ px in one frame; 4:2:0 chroma makes the red edge itself wobble by 2 px).
    // Widths are measured on red pixels, so the 14 px cursor reads about 12 px at 1×.
    const widths = cursor.map((c) => c.width);
    const full = Math.min(...widths);
    expect(full).toBeGreaterThanOrEqual(CURSOR_CSS - 3);
    expect(Math.max(...widths)).toBeGreaterThanOrEqual(full * 1.45);
    for (let i = 1; i < cursor.length; i++)
      expect(Math.abs(widths[i]! - widths[i - 1]!), `zoom step at ${i}`).toBeLessThanOrEqual(4);
    const ramping = widths.filter((w) => w > full + 1 && w < full * 1.45).length;
    expect(ramping).toBeGreaterThanOrEqual(4 * 5); // four eases (in and out of two zooms), several frames each
    const at = (ms: number) => cursor.find((c) => c.n === Math.round((outMs(ms) * 30) / 1000))!.width;
    expect(at(2990)).toBeLessThanOrEqual(full + 2); // back to full frame before the next step starts
    expect(at(5200)).toBeLessThanOrEqual(full + 2); // a step without a box
    expect(at(3900)).toBeGreaterThanOrEqual(full * 1.45);
    expect(at(1900)).toBeGreaterThanOrEqual(full * 1.45);

    // Burned-in captions: present during cues, about 32 px at 720p (16 px here).
    const captioned = burned.filter((b) => cueAt((b.n * 1000) / 30) && b.rows > 0);
    expect(captioned.length).toBeGreaterThan(40);
    const rows = Math.max(...captioned.map((b) => b.rows));
    expect(rows).toBeGreaterThanOrEqual(10);
    expect(rows).toBeLessThanOrEqual(28);
  });

  it('keeps the soft track too, and writes GIF and WebM after the mp4', async () => {
    const probe = await probeFile(mp4);
    expect(probe.streams.map((s) => s.codec_name)).toEqual(expect.arrayContaining(['h264', 'aac', 'mov_text']));
    expect(out.files.map((f) => f.role)).toEqual(['video', 'captions', 'subtitles', 'poster', 'gif', 'webm']);
    const gif = await probeFile(path.join(path.dirname(mp4), 'final.gif'));
    expect(gif.streams[0]).toMatchObject({ codec_name: 'gif', width: 320, height: 180 });
    expect(Number(gif.format.duration)).toBeCloseTo(10.2, 0);
    const webm = await probeFile(path.join(path.dirname(mp4), 'final.webm'));
    expect(webm.streams.map((s) => s.codec_name)).toEqual(['vp9', 'opus']);
    expect(Number(webm.format.duration)).toBeCloseTo(10.2, 0);
    const poster = await probeFile(path.join(path.dirname(mp4), 'poster.jpg'));
    expect(poster.streams[0]).toMatchObject({ width: W, height: H });
  });
});
