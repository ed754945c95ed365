// Captions in the demo's language, by pixels: Chinese burned in with a CJK font (compared with the same
// frame without burned captions), Arabic shaped and laid out right to left by libass, and the tracks
// tagged with the language. Real ffmpeg, libass and fonts. DOCS_IMAGES=1 refreshes docs/captions/.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type LogEntry, resolveConfig, runStage, type WordTiming } from '@showrunner/core';
import ffmpeg, { type FfmpegMergeOutput, type FfmpegOptions } from '@showrunner/plugin-ffmpeg';
import { beforeAll, describe, expect, it } from 'vitest';
import { toAss } from '../src/burn.js';
import { filter } from '../src/ffmpeg/args.js';
import { burnStyle } from '../src/video.js';
import { DEBIAN_FFMPEG, eachFrame, probeFile, toneWav } from './media.js';
import { demoWith, framesFor, type ScenarioPlan, type StepPlan, tempDir, writeRun } from './scenario.js';

const exec = promisify(execFile);
const W = 640;
const H = 360;
const LINES = ['点击右上角的保存按钮。', '然后输入你的项目名字。'];

/** Word timings as eSpeak NG gives them for Chinese: one per character, punctuation on the one before. */
function perCharacter(text: string, ms: number): WordTiming[] {
  const chars = [...text.replace(/。/g, '')];
  return chars.map((c, i) => ({
    text: i === chars.length - 1 ? `${c}。` : c,
    startMs: (i * ms) / chars.length,
    endMs: ((i + 1) * ms) / chars.length,
  }));
}

const clip = (ms: number, text: string) => ({
  wav: toneWav({ ms, rate: 24_000, amp: 0.3 }),
  rate: 24_000,
  durationMs: ms,
  text,
  words: perCharacter(text, ms),
});
const steps: StepPlan[] = [
  { status: 'done', startMs: 0, narrationMs: 100, endMs: 1500, clip: clip(1200, LINES[0]!) },
  { status: 'done', startMs: 1500, narrationMs: 1600, endMs: 3000, clip: clip(1200, LINES[1]!) },
];
const plan: ScenarioPlan = {
  demo: { ...demoWith(['goto', 'click'], LINES, [undefined, undefined]), language: 'zh' },
  look: { viewport: { width: W, height: H }, dpr: 1, dark: true },
  durationMs: 3000,
  steps,
  frames: framesFor(steps, 3000, 5),
};

/** Merge the Chinese run with `options`; the mp4, its folder and the plugin's output. */
async function mergeWith(options: FfmpegOptions) {
  const root = await tempDir();
  const config = await resolveConfig({ merge: ffmpeg(options) }, { root });
  const runDir = await writeRun(config.runsDir, plan);
  const logs: LogEntry[] = [];
  const out = (await runStage(config, 'merge', runDir, { log: (entry) => logs.push(entry) })) as FfmpegMergeOutput;
  const mp4 = path.join(runDir, out.files[0]!.path);
  return { out, mp4, dir: path.dirname(mp4), logs };
}

/** rgb24 frames `wanted` of an mp4, decoded at the output size. */
async function framesOf(mp4: string, wanted: number[]): Promise<Map<number, Buffer>> {
  const got = new Map<number, Buffer>();
  await eachFrame(mp4, { width: W, height: H }, (rgb, n) => {
    if (wanted.includes(n)) got.set(n, Buffer.from(rgb));
  });
  return got;
}

/** Pixels whose colour differs by more than 60 (sum over RGB) between two frames, in rows [y0, y1). */
function changed(a: Buffer, b: Buffer, y0 = 0, y1 = H): number {
  let n = 0;
  for (let i = y0 * W * 3; i < y1 * W * 3; i += 3) {
    if (Math.abs(a[i]! - b[i]!) + Math.abs(a[i + 1]! - b[i + 1]!) + Math.abs(a[i + 2]! - b[i + 2]!) > 60) n++;
  }
  return n;
}

async function savePng(mp4: string, frame: number, name: string): Promise<string> {
  const file = path.join(path.dirname(mp4), name);
  await exec(DEBIAN_FFMPEG, ['-v', 'error', '-i', mp4, '-vf', `select=eq(n\\,${frame})`, '-frames:v', '1', '-y', file]);
  if (process.env.DOCS_IMAGES === '1') {
    const docs = path.resolve(import.meta.dirname, '../../../docs/captions');
    await mkdir(docs, { recursive: true });
    await copyFile(file, path.join(docs, name));
  }
  return file;
}

describe('Chinese captions in a merged video', () => {
  let burned: Awaited<ReturnType<typeof mergeWith>>;
  let soft: Awaited<ReturnType<typeof mergeWith>>;

  beforeAll(async () => {
    burned = await mergeWith({ captions: 'both' });
    soft = await mergeWith({ captions: 'soft' });
  }, 120_000);

  it('tags the audio and caption tracks zho and names zh in the WebVTT file', async () => {
    const probe = await probeFile(burned.mp4);
    for (const type of ['audio', 'subtitle'])
      expect(probe.streams.find((s) => s.codec_type === type)?.tags?.language, type).toBe('zho');
    const vtt = await readFile(path.join(burned.dir, 'captions.vtt'), 'utf8');
    expect(vtt.startsWith('WEBVTT\nLanguage: zh\n\n')).toBe(true);
    expect(vtt).toContain('点击右上角的保存按钮。'); // joined without spaces, as written
    expect(vtt).toContain('然后输入你的项目名字。');
  });

  it('burns them in Noto Sans CJK SC, found through fontconfig for zh-cn, without a warning', () => {
    expect(burned.logs.map((l) => l.message)).toContain('burned-in captions in Noto Sans CJK SC (fonts for language "zh-cn")');
    expect(burned.logs.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('burns Chinese glyphs into the caption area (not boxes): each line looks different, the rest of the frame does not change', async () => {
    // 1 s and 2.5 s: inside the first and the second line's cue.
    const at = [30, 75];
    const [withText, without] = await Promise.all([framesOf(burned.mp4, at), framesOf(soft.mp4, at)]);
    const band = [Math.round(H * 0.75), H] as const;
    for (const n of at) {
      expect(changed(withText.get(n)!, without.get(n)!, ...band), `caption pixels in frame ${n}`).toBeGreaterThan(300); // measured 655
      expect(changed(withText.get(n)!, without.get(n)!, 0, band[0]), `frame ${n} above the captions`).toBeLessThan(50);
    }
    // Missing glyphs would be drawn as identical boxes: two different lines of 10 characters would match.
    expect(changed(withText.get(30)!, withText.get(75)!, ...band)).toBeGreaterThan(400);
    const png = await savePng(burned.mp4, 30, 'zh-burned.png');
    expect((await readFile(png)).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('Chinese text elsewhere, and no CJK font', () => {
  it('draws a Chinese intro title with a CJK font: two titles of four characters look different', async () => {
    const a = await mergeWith({ intro: { title: '登录演示', durationMs: 1000 } });
    const b = await mergeWith({ intro: { title: '项目设置', durationMs: 1000 } });
    const [fa, fb] = await Promise.all([framesOf(a.mp4, [20]), framesOf(b.mp4, [20])]);
    // Boxes for missing glyphs would be alike; real glyphs differ in hundreds of pixels.
    expect(changed(fa.get(20)!, fb.get(20)!)).toBeGreaterThan(300);
  });

  it('warns, naming the package, when no installed font has Chinese glyphs (fontconfig pointed at an empty folder)', async () => {
    const dir = await tempDir('sr-fonts-');
    const conf = path.join(dir, 'fonts.conf');
    await writeFile(conf, `<?xml version="1.0"?>\n<fontconfig><dir>${dir}</dir><cachedir>${dir}</cachedir></fontconfig>\n`);
    const saved = process.env.FONTCONFIG_FILE;
    process.env.FONTCONFIG_FILE = conf;
    try {
      const { logs } = await mergeWith({ captions: 'burn' });
      const warning = logs.find((l) => l.level === 'warn' && l.message.startsWith('Burned-in captions may show boxes'));
      expect(warning?.message).toContain('no installed font has glyphs for language "zh-cn"');
      expect(warning?.message).toContain('fonts-noto-cjk');
    } finally {
      if (saved === undefined) delete process.env.FONTCONFIG_FILE;
      else process.env.FONTCONFIG_FILE = saved;
    }
  });
});

/** One frame of `text` burned by libass exactly as the merge burns captions (toAss + burnStyle). */
async function burnOne(text: string, extraStyle = ''): Promise<Buffer> {
  const dir = await tempDir('sr-ffmpeg-rtl-');
  const ass = path.join(dir, 'c.ass');
  await writeFile(ass, toAss([{ startMs: 0, endMs: 2000, text, stepId: 's1' }]));
  const { stdout } = await exec(
    DEBIAN_FFMPEG,
    [
      ...['-v', 'error', '-f', 'lavfi', '-i', `color=c=0x202020:s=${W}x${H}:d=1`],
      ...['-vf', filter('subtitles', { filename: ass, force_style: burnStyle(32) + extraStyle }), '-frames:v', '1'],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    ],
    { encoding: 'buffer', maxBuffer: W * H * 4 },
  );
  return stdout;
}

describe('right-to-left captions', () => {
  it('lays out an Arabic line right to left: its Latin word ends up on the left, as when it comes first', async () => {
    const arabicFirst = await burnOne('انقر على Save');
    const latinFirst = await burnOne('Save انقر على');
    // Forced left to right (Encoding 0, what the style said before), "Save" is drawn at the right end.
    const forcedLtr = await burnOne('انقر على Save', ',Encoding=0');
    const same = changed(arabicFirst, latinFirst);
    const ltr = changed(forcedLtr, latinFirst);
    expect(same).toBeLessThan(ltr / 10); // measured 37 (edge pixels of the space) against hundreds
    const blank = await burnOne(' ');
    expect(changed(arabicFirst, blank)).toBeGreaterThan(150); // measured 335
  });

  it('shapes Arabic letters (joined forms), which unshaped text would not show', async () => {
    const joined = await burnOne('مرحبا بالعالم');
    const isolated = await burnOne([...'مرحبا بالعالم'].join('\u200c')); // ZWNJ between letters stops joining
    expect(changed(joined, isolated)).toBeGreaterThan(200);
  });

  it('saves a sample with Arabic and Chinese captions for a person to look at', async () => {
    const dir = await tempDir('sr-ffmpeg-rtl-');
    const png = path.join(dir, 'ar-burned.png');
    const ass = path.join(dir, 'c.ass');
    await writeFile(
      ass,
      toAss([{ startMs: 0, endMs: 2000, text: 'انقر على زر الحفظ في أعلى الصفحة،\nثم اكتب اسم مشروعك.', stepId: 's1' }]),
    );
    await exec(DEBIAN_FFMPEG, [
      ...['-v', 'error', '-f', 'lavfi', '-i', `color=c=0x202020:s=${W}x${H}:d=1`],
      ...['-vf', filter('subtitles', { filename: ass, force_style: burnStyle(32) }), '-frames:v', '1', '-y', png],
    ]);
    if (process.env.DOCS_IMAGES === '1')
      await copyFile(png, path.resolve(import.meta.dirname, '../../../docs/captions/ar-burned.png'));
    expect((await readFile(png)).length).toBeGreaterThan(1000);
  });
});
