// Issue 15's measurement checks on the video encoded while recording (capture to JPEG frames, each
// step's frames encoded as the next one is recorded): a short demo of the examples app through the
// built CLI, then the final mp4 is measured with ffprobe/ffmpeg against the timeline the merge reports
// in merge/output.json; a merge run again after the recording must give the same file. Counts timestamps and samples, never pixels: a frame held because
// the page did not change is a legitimate repeat, a missing or extra slot on the clock is not.
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MergeOutput, RecordOutput } from '@showrunner/core';
import type { FfmpegMergeOutput } from '@showrunner/plugin-ffmpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleServer } from '../examples/server.mjs';
import { FFPROBE, probeFile, soundStarts, videoPts } from '../packages/plugin-ffmpeg/test/media.js';
import { ROOT, run, tempDir } from './helpers.js';

const exec = promisify(execFile);
const BIN = path.join(ROOT, 'packages/cli/dist/bin.js');
const FPS = 30;
// An intro card, so the step chapters do not start at 0 and the card is part of the counted clock; a
// merge tail (1 s) longer than the recorder's gap after each line (400 ms), so every step boundary
// gets a hold: the frame on screen there is legitimately repeated for about 18 frames.
const CONFIG = `
import { defineConfig } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import playwright from '@showrunner/plugin-playwright';
export default defineConfig({
  tts: espeak(),
  record: playwright({ stepTimeoutMs: 5000, retries: 0 }),
  merge: ffmpeg({ fps: ${FPS}, intro: { durationMs: 1000 }, tailMs: 1000 }),
});
`;
const DEMO = {
  title: 'Timeline check',
  url: '/',
  viewport: { width: 960, height: 540 },
  steps: [
    { id: 'welcome', action: 'goto', value: '/', narration: 'This is Orbit, a small project tracker.' },
    { id: 'email', action: 'fill', target: { label: 'Email' }, value: 'ada@example.com', narration: 'Type your email.' },
    {
      id: 'password',
      action: 'fill',
      target: { label: 'Password' },
      value: 'orbit-demo-password',
      sensitive: true,
      narration: 'Then the password, blurred in the video.',
    },
    { id: 'sign-in', action: 'click', target: { role: 'button', name: 'Sign in' }, narration: 'Sign in.' },
    { id: 'hover', action: 'hover', target: { text: 'Website redesign' }, narration: 'Hover a project to see its progress.' },
  ],
};

let server: { url: string; close(): Promise<void> };
let dir: string;
let video: string;
let merge: MergeOutput;
let record: RecordOutput;
let runDir: string;

beforeAll(async () => {
  server = await startExampleServer();
  dir = await tempDir('sr-e2e-timeline-');
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(path.join(dir, 'showrunner.config.ts'), CONFIG);
  await writeFile(path.join(dir, 'timeline.demo.json'), JSON.stringify(DEMO));
  const { code, stdout, stderr } = await run(
    process.execPath,
    [BIN, '--json', 'record', 'timeline.demo.json', '--base-url', server.url],
    dir,
  );
  expect(stderr, stderr).toBe('');
  expect(code, stdout).toBe(0);
  const summary = JSON.parse(stdout);
  expect(Object.values(summary.steps)).toEqual(DEMO.steps.map(() => 'done'));
  video = summary.video;
  runDir = summary.runDir;
  merge = JSON.parse(await readFile(path.join(summary.runDir, 'merge', 'output.json'), 'utf8'));
  record = JSON.parse(await readFile(path.join(summary.runDir, 'record', 'output.json'), 'utf8'));
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The video stream as ffprobe sees it after decoding every frame (`-count_frames`). */
async function countedVideo(file: string) {
  const { stdout } = await exec(FFPROBE, [
    ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=r_frame_rate,avg_frame_rate,nb_read_frames,duration', '-of', 'json', file],
  ]);
  const s = JSON.parse(stdout).streams[0];
  return { r: s.r_frame_rate, avg: s.avg_frame_rate, frames: Number(s.nb_read_frames), durationS: Number(s.duration) };
}

/** The step chapters of merge/output.json, checked to be one per demo step, in order. */
function stepChapters() {
  const chapters = (merge.chapters ?? []).filter((c) => c.stepId);
  expect(chapters.map((c) => c.stepId)).toEqual(DEMO.steps.map((s) => s.id));
  return chapters;
}

describe('the final video against its timeline (issue 15’s checks, encoded while recording)', () => {
  it('was encoded while recording, and a merge run again afterwards writes the same file, byte for byte', async () => {
    expect((merge as FfmpegMergeOutput).encodedWhileRecording).toBe(true);
    const first = await readFile(video);
    const again = await run(process.execPath, [BIN, '--json', 'record', '--resume', runDir, '--from', 'merge'], dir);
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout);
    const output = JSON.parse(await readFile(path.join(runDir, 'merge', 'output.json'), 'utf8')) as FfmpegMergeOutput;
    expect(output.encodedWhileRecording).toBe(false);
    expect((await readFile(summary.video)).equals(first)).toBe(true);
  }, 120_000);

  it('is constant 30 fps: declared rates, counted frames = duration × 30, every pts step the same', async () => {
    const v = await countedVideo(video);
    const pts = await videoPts(video);
    const deltas = pts.slice(1).map((t, i) => t - pts[i]!);
    const odd = deltas.map((d, i) => ({ at: pts[i]!, d })).filter((x) => Math.abs(x.d - 1 / FPS) > 1e-4);
    console.log(
      `[timeline] r_frame_rate ${v.r}, avg_frame_rate ${v.avg}, counted ${v.frames} frames, ` +
        `duration ${v.durationS.toFixed(3)} s (× ${FPS} = ${(v.durationS * FPS).toFixed(2)}), ` +
        `pts deltas ${Math.min(...deltas).toFixed(6)}–${Math.max(...deltas).toFixed(6)} s, irregular ${odd.length}`,
    );
    expect(v.r).toBe(`${FPS}/1`);
    expect(v.avg).toBe(`${FPS}/1`);
    expect(Math.abs(v.frames - Math.round(v.durationS * FPS))).toBeLessThanOrEqual(1);
    expect(pts).toHaveLength(v.frames);
    expect(new Set(pts).size, 'no two frames share a timestamp').toBe(pts.length);
    expect(odd, 'gaps or duplicates in the timestamps').toEqual([]);
    expect(pts[0]).toBe(0);
    // The whole file is the merge's own timeline, frame for frame.
    expect(v.frames).toBe(Math.round((merge.durationMs * FPS) / 1000));
    expect(merge.fps).toBe(FPS);
  });

  it('has no frame missing or duplicated at step boundaries: frames between step starts = (end − start) × 30', async () => {
    const chapters = stepChapters();
    const pts = (await videoPts(video)).map((t) => t * 1000);
    // The file's own chapters are the ones reported (the player and the report agree).
    const inFile = (await probeFile(video)).chapters.map((c) => Math.round(Number(c.start_time) * 1000));
    expect(inFile).toEqual(expect.arrayContaining(chapters.map((c) => c.startMs)));
    // Half a millisecond of slack: chapter times are whole ms, frame times are not.
    const framesIn = (startMs: number, endMs: number) => pts.filter((t) => t >= startMs - 0.5 && t < endMs - 0.5).length;
    const byId = new Map(record.steps.map((s) => [s.step.id, s]));
    const rows = chapters.map((c, k) => {
      const counted = framesIn(c.startMs, c.endMs);
      const expected = ((c.endMs - c.startMs) * FPS) / 1000;
      // What the recording itself spans for this step: from its start (the first step's chapter also shows
      // the recording before it, from 0) to the next step's start, or the recording's end.
      const from = k === 0 ? 0 : byId.get(c.stepId!)!.startMs!;
      const next = chapters[k + 1] && byId.get(chapters[k + 1]!.stepId!);
      const recordedFrames = (((next?.startMs ?? record.recording.durationMs) - from) * FPS) / 1000;
      const held = counted - Math.round(recordedFrames);
      return { step: c.stepId, startMs: c.startMs, endMs: c.endMs, counted, expected, recordedFrames, held };
    });
    console.log(
      '[timeline] frames per step: counted in the file, the chapter span × 30, the recording’s span × 30, held (repeated at the boundary)',
    );
    console.table(
      rows.map((r) => ({ ...r, expected: Number(r.expected.toFixed(2)), recordedFrames: Number(r.recordedFrames.toFixed(2)) })),
    );
    for (const r of rows) {
      expect(Math.abs(r.counted - r.expected), `${r.step}: ${r.counted} frames for ${r.expected}`).toBeLessThanOrEqual(1);
      // A step may be held longer than it was recorded (a long line), never shown shorter.
      expect(r.counted, `${r.step}: shorter than its recording`).toBeGreaterThanOrEqual(Math.round(r.recordedFrames) - 1);
    }
    expect(rows.filter((r) => r.held > 1).length, 'the demo exercises holds at its boundaries').toBeGreaterThan(0);
    // Consecutive steps share their boundary: no slot falls between two chapters or is counted twice.
    for (const [k, c] of chapters.entries()) if (k > 0) expect(c.startMs).toBe(chapters[k - 1]!.endMs);
    const intro = framesIn(0, chapters[0]!.startMs);
    const tail = framesIn(chapters.at(-1)!.endMs, Number.POSITIVE_INFINITY);
    expect(intro + rows.reduce((s, r) => s + r.counted, 0) + tail).toBe(pts.length);
    expect(intro).toBe(Math.round((chapters[0]!.startMs * FPS) / 1000));
  });

  it('starts speech within 50 ms of each step’s planned narration time, measured from the file’s audio', async () => {
    expect(merge.narration.map((n) => n.stepId)).toEqual(DEMO.steps.map((s) => s.id));
    // Every place sound starts after 0.1 s of silence (ffmpeg silencedetect at -50 dBFS on the decoded track).
    const starts = (await soundStarts(video, -50, 0.1)).map((t) => t * 1000);
    const rows = merge.narration.map((n, k) => {
      // The first onset after the previous line ended: this line's speech.
      const after = k ? merge.narration[k - 1]!.endMs : 0;
      const onset = starts.find((t) => t > after && t < n.endMs);
      return {
        step: n.stepId,
        plannedMs: n.startMs,
        measuredMs: onset === undefined ? undefined : Number(onset.toFixed(1)),
        offsetMs: onset === undefined ? undefined : Number((onset - n.startMs).toFixed(1)) || 0,
      };
    });
    console.log('[timeline] speech onset (silencedetect -50 dB) vs merge/output.json narration[].startMs');
    console.table(rows);
    for (const r of rows) {
      expect(r.measuredMs, `${r.step}: no speech found before the line ends`).toBeDefined();
      expect(Math.abs(r.offsetMs!), `${r.step}: onset ${r.measuredMs} ms vs planned ${r.plannedMs} ms`).toBeLessThanOrEqual(50);
    }
  });
});
