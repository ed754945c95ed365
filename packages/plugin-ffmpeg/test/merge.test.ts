import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import installer from '@ffmpeg-installer/ffmpeg';
import { type HookPlugin, type ProgressEvent, readRun, resolveConfig, runStage } from '@showrunner/core';
import ffmpeg, { type FfmpegMergeOutput } from '@showrunner/plugin-ffmpeg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  audioLevels,
  eachFrame,
  parseVtt,
  probeFile,
  readBarcode,
  soundStarts,
  subtitleTrackAsVtt,
  toneWav,
  videoPts,
} from './media.js';
import { demoWith, framesFor, type ScenarioPlan, type StepPlan, tempDir, writeRun } from './scenario.js';

/** The same test runs on both builds the issue names. */
const BUILDS = [
  { name: 'Debian ffmpeg 5.1', path: '/usr/bin/ffmpeg' },
  { name: '@ffmpeg-installer/ffmpeg (2018 static 4.x)', path: installer.path },
];

const FPS = 30;
const FRAME_MS = 1000 / FPS;
const TAIL_MS = 300;

const steps: StepPlan[] = [
  {
    status: 'done',
    startMs: 0,
    narrationMs: 200,
    endMs: 1500,
    clip: {
      wav: toneWav({ ms: 1200, rate: 22_050, amp: 0.5 }),
      rate: 22_050,
      durationMs: 1200,
      text: 'Welcome to the app. Here is the dashboard.',
      words: [
        ['Welcome', 0, 300],
        ['to', 300, 400],
        ['the', 400, 500],
        ['app.', 500, 600],
        ['Here', 650, 800],
        ['is', 800, 900],
        ['the', 900, 1000],
        ['dashboard.', 1000, 1200],
      ].map(([text, startMs, endMs]) => ({ text: text as string, startMs: startMs as number, endMs: endMs as number })),
    },
  },
  {
    status: 'done',
    startMs: 1500,
    narrationMs: 1700,
    endMs: 2500,
    box: { x: 340, y: 120, width: 240, height: 48 },
    clip: {
      wav: toneWav({ ms: 2500, rate: 24_000, amp: 0.05, leadMs: 150, freq: 330 }),
      rate: 24_000,
      durationMs: 2650,
      leadMs: 150,
      text: 'Click the blue button to open the form, which takes a while to explain because it has many fields.',
    },
  },
  { status: 'skipped' },
  {
    status: 'done',
    startMs: 3000,
    narrationMs: 3200,
    endMs: 4000,
    box: { x: 340, y: 200, width: 180, height: 36 },
    clip: {
      wav: toneWav({ ms: 800, rate: 16_000, amp: 0.02, clicks: true }),
      rate: 16_000,
      durationMs: 800,
      text: 'Type your name.',
    },
  },
  {
    status: 'done',
    startMs: 4800,
    narrationMs: 4900,
    endMs: 5600,
    clip: { wav: toneWav({ ms: 800, rate: 24_000, amp: 0 }), rate: 24_000, durationMs: 800, text: '' }, // as core's Narrator writes it
  },
];

const plan: ScenarioPlan = {
  demo: demoWith(
    ['goto', 'click', 'click', 'fill', 'press'],
    [steps[0]!.clip!.text, steps[1]!.clip!.text, 'This step is skipped.', steps[3]!.clip!.text, ''],
    ['Open the app', undefined, undefined, 'Fill the form', undefined],
  ),
  look: { viewport: { width: 640, height: 360 }, dpr: 1 },
  durationMs: 6000,
  steps,
  frames: framesFor(steps, 6000),
};

/** The spec, computed here independently of the plugin: holds in whole frames at each boundary. */
const done = steps.filter((s) => s.status === 'done');
const holds = done.map((s, k) => {
  const boundary = done[k + 1]?.startMs ?? plan.durationMs;
  const overrun = s.narrationMs! + s.clip!.durationMs + TAIL_MS - boundary;
  return { atMs: boundary, ms: overrun > 0 ? Math.ceil(overrun / FRAME_MS - 1e-9) * FRAME_MS : 0 };
});
const holdsBefore = (recMs: number) => holds.filter((h) => h.atMs <= recMs).reduce((s, h) => s + h.ms, 0);
const expectedDurationMs = plan.durationMs + holds.reduce((s, h) => s + h.ms, 0);

describe.each(BUILDS)('merge with $name', (build) => {
  let out: FfmpegMergeOutput;
  let runDir: string;
  let mp4: string;
  const progress: ProgressEvent[] = [];
  const artifacts: string[] = [];

  beforeAll(async () => {
    const root = await tempDir();
    const watcher: HookPlugin = {
      name: 'test:watcher',
      hooks: { onProgress: (e) => void progress.push(e), onArtifact: (e) => void artifacts.push(e.path) },
    };
    const config = await resolveConfig({ merge: ffmpeg({ ffmpegPath: build.path, fps: FPS }), plugins: [watcher] }, { root });
    runDir = await writeRun(config.runsDir, plan);
    out = (await runStage(config, 'merge', runDir)) as FfmpegMergeOutput;
    mp4 = path.join(runDir, out.files[0]!.path);
  }, 120_000);

  it('writes H.264 yuv420p at a constant frame rate with AAC, soft subtitles and faststart', async () => {
    const probe = await probeFile(mp4);
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    const audio = probe.streams.find((s) => s.codec_type === 'audio')!;
    const subs = probe.streams.find((s) => s.codec_type === 'subtitle')!;
    expect(video).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 640, height: 360, r_frame_rate: '30/1' });
    expect(video.avg_frame_rate).toBe('30/1');
    expect(audio).toMatchObject({ codec_name: 'aac', sample_rate: '48000' });
    expect(subs).toMatchObject({ codec_name: 'mov_text' });
    expect(subs.tags?.language).toBe('eng');
    const pts = await videoPts(mp4);
    const steps = pts.slice(1).map((p, i) => p - pts[i]!);
    expect(Math.max(...steps) - Math.min(...steps)).toBeLessThan(0.001); // every frame lasts 1/30 s
    const head = await readFile(mp4);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat')); // +faststart
  });

  it('lasts the recording plus the holds (±1 frame), and says so in output.json', async () => {
    const probe = await probeFile(mp4);
    const video = probe.streams.find((s) => s.codec_type === 'video')!;
    expect(Math.abs(Number(video.duration) * 1000 - expectedDurationMs)).toBeLessThanOrEqual(FRAME_MS + 1);
    expect(Number(video.nb_frames)).toBe(Math.round(expectedDurationMs / FRAME_MS));
    expect(Math.abs(out.durationMs - expectedDurationMs)).toBeLessThanOrEqual(1);
    expect(out).toMatchObject({ width: 640, height: 360, fps: FPS, sizeBytes: (await stat(mp4)).size });
    expect((await readRun(runDir)).outputs.merge).toEqual(JSON.parse(JSON.stringify(out)));
  });

  it('starts every line within 100 ms of its step start + lead, measured from the decoded audio', async () => {
    const starts = await soundStarts(mp4);
    const narrated = steps.filter((s) => s.status === 'done' && s.clip?.text);
    expect(starts).toHaveLength(narrated.length);
    for (const [i, s] of narrated.entries()) {
      const expected = s.narrationMs! + holdsBefore(s.narrationMs!) + (s.clip!.leadMs ?? 0);
      expect(Math.abs(starts[i]! * 1000 - expected), `line ${i}`).toBeLessThan(100);
      expect(Math.abs(out.narration[i]!.startMs - starts[i]! * 1000), `reported start ${i}`).toBeLessThan(100);
    }
    expect(out.narration.map((n) => n.stepId)).toEqual(['s1', 's2', 's4']);
  });

  it('never clips and normalises loudness (peak ≤ -1 dBFS, about -16 LUFS)', async () => {
    const { peakDb, lufs } = await audioLevels(mp4);
    expect(peakDb).toBeLessThanOrEqual(-1);
    expect(Math.abs(lufs - -16)).toBeLessThan(2.5);
  });

  it('shows each captured frame at its time and freezes the boundary frame during a hold', async () => {
    const shown: number[] = [];
    await eachFrame(mp4, { width: 640, height: 360 }, (rgb) => shown.push(readBarcode(rgb, 640, 360)));
    expect(shown.every((i) => i >= 0)).toBe(true);
    const frames = plan.frames;
    const latestAt = (ms: number) => frames.findLastIndex((f) => f.t <= ms);
    for (const [n, index] of shown.entries()) {
      const outMs = n * FRAME_MS;
      const hold = holds.find(
        (h) => h.ms && outMs >= h.atMs + holdsBefore(h.atMs) - h.ms && outMs < h.atMs + holdsBefore(h.atMs),
      );
      if (hold) {
        // Frozen: the last frame captured before the next step started.
        expect(frames[index]!.t, `hold frame ${n}`).toBeLessThan(hold.atMs);
        expect(index, `hold frame ${n}`).toBeGreaterThanOrEqual(latestAt(hold.atMs - FRAME_MS));
        continue;
      }
      const recMs = recTime(outMs);
      const allowed = [latestAt(recMs - FRAME_MS / 2), latestAt(recMs + FRAME_MS / 2)];
      expect(index, `frame ${n} at ${recMs.toFixed(0)} ms`).toBeGreaterThanOrEqual(Math.max(0, allowed[0]!));
      expect(index, `frame ${n} at ${recMs.toFixed(0)} ms`).toBeLessThanOrEqual(Math.max(0, allowed[1]!));
    }
  });

  it('carries soft subtitles identical to captions.vtt, timed by word timings when given', async () => {
    const vtt = await readFile(path.join(path.dirname(mp4), 'captions.vtt'), 'utf8');
    const srt = await readFile(path.join(path.dirname(mp4), 'captions.srt'), 'utf8');
    const cues = parseVtt(vtt);
    expect(parseVtt(await subtitleTrackAsVtt(mp4))).toEqual(cues);
    expect(srt).toContain('00:00:00,200 --> ');
    // Line 1 has word timings: two cues, the second at "Here" (650 ms into the clip).
    expect(cues[0]).toMatchObject({ startMs: 200, text: 'Welcome to the app.' });
    expect(cues[1]).toMatchObject({ startMs: 200 + 650, text: 'Here is the dashboard.' });
    // Line 2 has none: its cues cover the clip's measured speech after its 150 ms of silence.
    const line2 = cues.filter((c) => c.startMs >= 1700 && c.startMs < 3200 + holdsBefore(3200));
    expect(line2[0]!.startMs).toBe(Math.round(1700 + holdsBefore(1700) + 150));
    expect(line2.map((c) => c.text.replace(/\n/g, ' ')).join(' ')).toBe(steps[1]!.clip!.text);
    expect(cues.every((c) => c.text.split('\n').every((l) => l.length <= 42))).toBe(true);
  });

  it('writes chapters from step titles and labels, poster.jpg and the files in order', async () => {
    const probe = await probeFile(mp4);
    expect(probe.chapters.map((c) => c.tags?.title)).toEqual([
      'Open the app',
      'Click the blue button to open the form',
      'Fill the form',
      'Press Enter',
    ]);
    expect(Number(probe.chapters[1]!.start_time) * 1000).toBeCloseTo(1500 + holdsBefore(1500), -1);
    expect(out.chapters.map((c) => c.stepId)).toEqual(['s1', 's2', 's4', 's5']);
    expect(probe.format.tags?.title).toBe('Merge test');
    const attempt = path.dirname(out.files[0]!.path); // core gives each stage attempt its own folder
    expect(attempt).toMatch(/^merge\/\w+$/);
    expect(out.files.map((f) => [f.role, f.path])).toEqual([
      ['video', `${attempt}/final.mp4`],
      ['captions', `${attempt}/captions.vtt`],
      ['subtitles', `${attempt}/captions.srt`],
      ['poster', `${attempt}/poster.jpg`],
    ]);
    const poster = await probeFile(path.join(path.dirname(mp4), 'poster.jpg'));
    expect(poster.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 640, height: 360 });
    expect(artifacts).toEqual(out.files.map((f) => f.path));
  });

  it('reports encode progress up to the full duration', () => {
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatchObject({ stage: 'merge', done: out.durationMs, total: out.durationMs });
    expect(progress.every((p, i) => i === 0 || p.done >= progress[i - 1]!.done)).toBe(true);
  });
});

/** Recording time shown at output time `outMs` outside holds (holds are inserted at step starts). */
function recTime(outMs: number): number {
  let rec = outMs;
  for (const h of holds) if (h.ms && outMs >= h.atMs + holdsBefore(h.atMs)) rec -= h.ms;
  return rec;
}
