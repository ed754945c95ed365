// A merge whose title, step titles and narration carry what a page, a model or a stranger's demo
// could: ffmetadata syntax, control characters, caption markup (SRT tags, ASS overrides, `\N`),
// `-->` and a fake timing line. Everything must come out as plain, literal text.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import installer from '@ffmpeg-installer/ffmpeg';
import { type LogEntry, parseDemo, resolveConfig, runStage } from '@showrunner/core';
import ffmpeg, { type FfmpegMergeOutput } from '@showrunner/plugin-ffmpeg';
import SrtParser from 'srt-parser-2';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebVTTParser } from 'webvtt-parser';
import { DEBIAN_FFMPEG, eachFrame, probeFile, toneWav } from './media.js';
import { framesFor, type ScenarioPlan, type StepPlan, tempDir, writeRun } from './scenario.js';

const exec = promisify(execFile);
const BUILDS = [
  { name: 'Debian ffmpeg 5.1', path: DEBIAN_FFMPEG },
  { name: '@ffmpeg-installer/ffmpeg (2018 static 4.x)', path: installer.path },
];
const W = 640;
const H = 360;
const WJ = /\u2060/g;

/** What every output should show for a text: controls as spaces, whitespace collapsed (computed here, not by the plugin). */
const plain = (s: string) =>
  s
    .replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const TITLE = `Tour: it's [x] 50%{pts} a=b;c#d\\e\r\0end\n[CHAPTER]\nTIMEBASE=1/1\nSTART=0\nEND=9\ntitle=Injected \x1b]0;t\x07 "q"`;
const STEP_TITLES = [
  'a=b;c#d\\e [x] 50%{pts}',
  "it's\r\0[CHAPTER]\nEND=1",
  'x\x1b]0;t\x07y \\N {\\an8}',
  'Tab\there\x85 \u2028 sep',
];
const REFERENCE = 'Plain words for a reference line.';
/** One short line: interpreted, any one of these overrides would hide it, move it to the top, enlarge it or split it. */
const OVERRIDES = '{\\alpha&HFF&}{\\an8}{\\fs60}x\\Ny';
const NARRATIONS = [
  REFERENCE,
  OVERRIDES,
  'Tags <b>bold</b> <font color="red">red</font> & {\\i1}it{\\i0} <i>--> next</i>',
  "Press 5 00:00:01,000 --> 00:00:09,000 it's 50%{pts} [x] \r\0\x1b[2J done.",
];
const WORDS = NARRATIONS[3]!.split(' ').map((text, i) => ({ text, startMs: 100 + i * 120, endMs: 200 + i * 120 }));

const clip = (text: string, words?: typeof WORDS) => ({
  wav: toneWav({ ms: 1500, rate: 24_000, amp: 0.3 }),
  rate: 24_000,
  durationMs: 1500,
  text,
  words,
});
const steps: StepPlan[] = NARRATIONS.map((text, i) => ({
  status: 'done',
  startMs: i * 2500,
  narrationMs: i * 2500 + 200,
  endMs: i * 2500 + 2000,
  clip: clip(text, i === 3 ? WORDS : undefined),
}));
const plan: ScenarioPlan = {
  demo: parseDemo({
    url: 'https://example.com/app',
    title: TITLE,
    viewport: { width: W, height: H },
    steps: NARRATIONS.map((narration, i) => ({ action: 'hover', target: { name: `t${i}` }, title: STEP_TITLES[i], narration })),
  }),
  look: { viewport: { width: W, height: H }, dpr: 1, dark: true },
  durationMs: 10_000,
  steps,
  frames: framesFor(steps, 10_000, 5),
};

interface Cue {
  startMs: number;
  endMs: number;
  text: string;
}

/** The HTML character references the parser decodes (its built-in list lacks `&amp;` with the semicolon). */
const ENTITIES = createRequire(import.meta.url)('webvtt-parser/html-entities.json') as Record<string, string>;

/** Cues by the W3C WebVTT parser, with their text as the parser's cue-text tree (entities decoded). */
function vttCues(text: string): Cue[] {
  const { cues, errors } = new WebVTTParser(ENTITIES).parse(text, 'subtitles');
  expect(errors).toEqual([]);
  return cues.map((c) => {
    expect(c.tree.children.every((n) => n.type === 'text')).toBe(true); // no tag was read from the text
    return {
      startMs: Math.round(c.startTime * 1000),
      endMs: Math.round(c.endTime * 1000),
      text: c.tree.children.map((n) => n.value).join(''),
    };
  });
}

/**
 * Cues by srt-parser-2 (it finds cues by their timing lines), word joiners removed from the text.
 * A track's default style (the 4.x encoder writes one) comes back as one `<font>` around the cue.
 */
function srtCues(text: string): Cue[] {
  const unstyled = (t: string) => t.replace(/^<font face="[^"]*" size="\d+">([\s\S]*)<\/font>$/, '$1');
  return new SrtParser().fromSrt(text).map((c) => ({
    startMs: Math.round(c.startSeconds * 1000),
    endMs: Math.round(c.endSeconds * 1000),
    text: unstyled(c.text).replace(WJ, ''),
  }));
}

describe.each(BUILDS)('hostile titles and narration with $name', (build) => {
  let out: FfmpegMergeOutput;
  let mp4: string;
  const commands: string[] = [];

  beforeAll(async () => {
    const root = await tempDir();
    const config = await resolveConfig({ merge: ffmpeg({ ffmpegPath: build.path, captions: 'both' }) }, { root });
    const runDir = await writeRun(config.runsDir, plan);
    const log = (e: LogEntry) => void (e.message.startsWith('ffmpeg -') && commands.push(e.message));
    out = (await runStage(config, 'merge', runDir, { log })) as FfmpegMergeOutput;
    mp4 = path.join(runDir, out.files[0]!.path);
  }, 180_000);

  it('writes the title and chapter names as plain text, and nothing else into the metadata', async () => {
    const probe = await probeFile(mp4);
    expect(probe.format.tags?.title).toBe(plain(TITLE));
    expect(probe.chapters.map((c) => c.tags?.title)).toEqual(STEP_TITLES.map(plain));
    expect(
      Object.keys(probe.format.tags ?? {}).filter((k) => !/^(major_brand|minor_version|compatible_brands|encoder)$/.test(k)),
    ).toEqual(['title']);
  });

  it('captions parse as the cues written, with the narration shown literally', async () => {
    const dir = path.dirname(mp4);
    const vtt = vttCues(await readFile(path.join(dir, 'captions.vtt'), 'utf8'));
    const srt = srtCues(await readFile(path.join(dir, 'captions.srt'), 'utf8'));
    expect(srt).toEqual(vtt);
    // Every word of every narration, in order, and nothing else.
    expect(vtt.map((c) => c.text.replace(/\n/g, ' ')).join(' ')).toBe(NARRATIONS.map(plain).join(' '));
    expect(vtt.some((c) => c.text === plain(OVERRIDES))).toBe(true);
    // The soft track, as the Debian ffmpeg reads it back.
    const { stdout } = await exec(DEBIAN_FFMPEG, ['-v', 'error', '-i', mp4, '-map', '0:s:0', '-f', 'srt', '-']);
    expect(srtCues(stdout).map((c) => c.text)).toEqual(vtt.map((c) => c.text));
  });

  it('burns the override-laden line in as text: visible, at the bottom, one line of normal size', async () => {
    const vtt = vttCues(await readFile(path.join(path.dirname(mp4), 'captions.vtt'), 'utf8'));
    const middle = (text: string) => {
      const cue = vtt.find((c) => c.text === text)!;
      return Math.round(((cue.startMs + cue.endMs) / 2) * (30 / 1000));
    };
    const frames = { reference: middle(REFERENCE), overrides: middle(plain(OVERRIDES)) };
    const rows: Record<string, { bottom: number; elsewhere: number }> = {};
    await eachFrame(mp4, { width: W, height: H }, (rgb, n) => {
      const name = Object.entries(frames).find(([, f]) => f === n)?.[0];
      if (!name) return;
      const count = { bottom: 0, elsewhere: 0 };
      for (let y = 40; y < H; y++) {
        let white = 0;
        for (let x = 0; x < W; x++) {
          const i = (y * W + x) * 3;
          if (rgb[i]! > 200 && rgb[i + 1]! > 200 && rgb[i + 2]! > 200) white++;
        }
        if (white > 2) count[y >= H * 0.78 ? 'bottom' : 'elsewhere']++;
      }
      rows[name] = count;
    });
    expect(rows.reference!.bottom).toBeGreaterThanOrEqual(8);
    expect(rows.overrides!.bottom, 'shown, at the bottom').toBeGreaterThanOrEqual(8);
    expect(rows.overrides!.bottom, 'one line, normal size').toBeLessThanOrEqual(rows.reference!.bottom + 3);
    expect(rows.overrides!.elsewhere).toBe(0);
  });

  it('reads every input through the file protocol only, with its format named', () => {
    // The encoders read raw frames and samples from their segments' pipes; every file goes through `file` only.
    let files = 0;
    for (const command of commands) {
      const args = command.split(' ');
      for (const i of args.flatMap((a, i) => (a === '-i' ? [i] : []))) {
        if (args[i + 1] === 'pipe:0') {
          expect(args.slice(Math.max(0, i - 8), i).join(' ')).toMatch(/-f (rawvideo|f32le)\b/);
          continue;
        }
        files++;
        expect(args.slice(Math.max(0, i - 6), i).join(' ')).toMatch(
          /-protocol_whitelist file -f (concat|wav|srt|ffmetadata|mp4)\b/,
        );
      }
    }
    expect(files).toBeGreaterThanOrEqual(1 + NARRATIONS.length + 4); // frames, clips, then video, audio, subtitles, metadata
  });
});

describe('the concat input options', () => {
  it('refuse a data: URL inside a concat script that ffmpeg would otherwise open', async () => {
    const dir = await tempDir();
    const jpeg = path.join(dir, 'a.jpg');
    await exec(DEBIAN_FFMPEG, ['-v', 'error', '-f', 'lavfi', '-i', 'color=red:s=16x16', '-frames:v', '1', jpeg]);
    const data = `data:image/jpeg;base64,${(await readFile(jpeg)).toString('base64')}`;
    const script = path.join(dir, 'frames.ffconcat');
    await writeFile(script, `ffconcat version 1.0\nfile '${jpeg}'\nduration 0.04\nfile '${data}'\nduration 0.04\n`);
    const run = (options: string[]) =>
      exec(DEBIAN_FFMPEG, ['-v', 'warning', ...options, '-i', script, '-f', 'null', '-']).then(
        (r) => r.stderr,
        (e: { stderr: string }) => e.stderr,
      );
    expect(await run(['-f', 'concat', '-safe', '0'])).not.toContain('whitelist'); // ffmpeg's default lets data: in
    expect(await run(['-protocol_whitelist', 'file', '-f', 'concat', '-safe', '0'])).toMatch(
      /Protocol 'data' not on whitelist 'file'/,
    );
  });
});
