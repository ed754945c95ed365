// The watermark option by pixels: the chosen corner differs from the same merge without it on the intro
// card, the recording (zoomed, with burned captions) and the outro, and nothing else does. One encode.
import path from 'node:path';
import { type LogEntry, resolveConfig, runStage } from '@showrunner/core';
import ffmpeg, { type FfmpegMergeOutput, type FfmpegOptions } from '@showrunner/plugin-ffmpeg';
import { beforeAll, describe, expect, it } from 'vitest';
import { eachFrame } from './media.js';
import { tempDir, twoStepPlan, writeRun } from './scenario.js';

const W = 320;
const H = 200;
const INTRO_MS = 1000;
const OUTRO_MS = 1000;
const BASE: FfmpegOptions = {
  intro: { title: 'Watermark test', durationMs: INTRO_MS },
  outro: { durationMs: OUTRO_MS },
  zoom: true,
  captions: 'burn',
};

/** Merge the two-step run with `options`; every frame decoded, and the ffmpeg command line logged. */
async function mergeWith(options: FfmpegOptions) {
  const root = await tempDir();
  const config = await resolveConfig({ merge: ffmpeg({ ...BASE, ...options }) }, { root });
  const runDir = await writeRun(config.runsDir, twoStepPlan);
  const logs: LogEntry[] = [];
  const out = (await runStage(config, 'merge', runDir, { log: (e) => logs.push(e) })) as FfmpegMergeOutput;
  const frames: Buffer[] = [];
  await eachFrame(path.join(runDir, out.files[0]!.path), { width: W, height: H }, (rgb) => frames.push(Buffer.from(rgb)));
  return { out, frames, logs };
}

type Region = { x0: number; y0: number; x1: number; y1: number };
const CORNERS: Record<string, Region> = {
  'bottom-right': { x0: W * 0.55, y0: H * 0.85, x1: W, y1: H },
  'top-left': { x0: 0, y0: 0, x1: W * 0.45, y1: H * 0.15 },
};
const CENTRE: Region = { x0: W * 0.2, y0: H * 0.25, x1: W * 0.8, y1: H * 0.75 };

/** Pixels of `region` whose colour differs by more than 60 (sum over RGB) between two frames. */
function changed(a: Buffer, b: Buffer, r: Region): number {
  let n = 0;
  for (let y = Math.round(r.y0); y < Math.round(r.y1); y++) {
    for (let x = Math.round(r.x0); x < Math.round(r.x1); x++) {
      const i = (y * W + x) * 3;
      if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > 60) n++;
    }
  }
  return n;
}

describe('watermark', () => {
  let plain: Awaited<ReturnType<typeof mergeWith>>;
  let marked: Awaited<ReturnType<typeof mergeWith>>;
  let topLeft: Awaited<ReturnType<typeof mergeWith>>;

  beforeAll(async () => {
    plain = await mergeWith({});
    marked = await mergeWith({ watermark: true });
    topLeft = await mergeWith({ watermark: { text: 'Acme preview', position: 'top-left', opacity: 1 } });
  }, 180_000);

  it('marks the bottom-right corner of the intro card, the zoomed recording with burned captions, and the outro', () => {
    expect(marked.frames).toHaveLength(plain.frames.length);
    const total = plain.frames.length;
    // Mid-intro, mid-recording (a caption is on screen at 0.4 s of the recording), mid-outro.
    for (const n of [15, Math.round((INTRO_MS + 400) / (1000 / 30)), total - 15]) {
      expect(changed(marked.frames[n]!, plain.frames[n]!, CORNERS['bottom-right']!), `corner of frame ${n}`).toBeGreaterThan(40);
      expect(changed(marked.frames[n]!, plain.frames[n]!, CORNERS['top-left']!), `other corner of frame ${n}`).toBeLessThan(10);
      // A few pixels may differ anywhere: x264 spends its bits a little differently on a changed picture.
      expect(changed(marked.frames[n]!, plain.frames[n]!, CENTRE), `centre of frame ${n}`).toBeLessThan(20);
    }
  });

  it('goes where `position` says, with its own text', () => {
    const n = 45;
    expect(changed(topLeft.frames[n]!, plain.frames[n]!, CORNERS['top-left']!)).toBeGreaterThan(40);
    expect(changed(topLeft.frames[n]!, plain.frames[n]!, CORNERS['bottom-right']!)).toBeLessThan(10);
    expect(changed(topLeft.frames[n]!, marked.frames[n]!, CORNERS['bottom-right']!)).toBeGreaterThan(40);
  });

  it('is drawn before the one video encode, after the captions: one drawtext on every segment, one libx264', () => {
    const commands = marked.logs.filter((l) => l.message.startsWith('ffmpeg -')).map((l) => l.message);
    expect(commands.filter((c) => c.includes('libx264'))).toHaveLength(1);
    const segments = commands.filter((c) => c.includes('-f rawvideo') && !c.includes('-i pipe:0'));
    expect(segments).toHaveLength(3); // intro, the recording, outro
    for (const segment of segments) expect(segment.match(/drawtext=[^,]*textfile=[^,]*watermark\.txt/g)).toHaveLength(1);
    const main = segments.find((c) => c.includes('subtitles='))!;
    expect(main.indexOf('watermark.txt')).toBeGreaterThan(main.indexOf('subtitles='));
    expect(plain.logs.filter((l) => l.message.includes('watermark.txt'))).toHaveLength(0);
  });

  it('is refused when the text is empty or the position unknown, when the config loads', () => {
    expect(() => ffmpeg({ watermark: { text: '' } })).toThrow(/watermark/);
    expect(() => ffmpeg({ watermark: { position: 'middle' as never } })).toThrow(/watermark/);
  });
});
