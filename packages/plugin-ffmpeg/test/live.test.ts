// Encoding while recording (the plugin's `live`), through core's own overlap: a record plugin that
// replays a recorded run part by part, as plugin-playwright hands parts out, beside the real merge.
// The video encoded while recording must be byte for byte the one a merge after recording makes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  definePlugin,
  type LogEntry,
  type RecordedPart,
  type RecordOutput,
  type RecordPlugin,
  resolveConfig,
  runStage,
  runStages,
} from '@showrunner/core';
import ffmpeg, { type FfmpegMergeOutput, type FfmpegOptions } from '@showrunner/plugin-ffmpeg';
import { describe, expect, it } from 'vitest';
import { probeFile, toneWav } from './media.js';
import { demoWith, framesFor, type ScenarioPlan, type StepPlan, tempDir, writeRun } from './scenario.js';

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
  { status: 'skipped' },
  {
    status: 'done',
    startMs: 2600,
    narrationMs: 2800,
    endMs: 4200,
    box: { x: 340, y: 200, width: 180, height: 36 },
    clip: clip(1000, 'Fill in the green field.'),
  },
  { status: 'done', startMs: 4200, narrationMs: 4300, endMs: 5500, clip: clip(600, 'Done.') },
];
const plan: ScenarioPlan = {
  demo: demoWith(
    ['goto', 'click', 'click', 'fill', 'press'],
    steps.map((s) => s.clip?.text ?? 'Skipped.'),
    [undefined, undefined, undefined, undefined, undefined],
  ),
  look: { viewport: { width: 640, height: 360 }, dpr: 2, dark: true },
  durationMs: 5800,
  steps,
  frames: framesFor(steps, 5800, 5),
};

/** Parts as the recorder hands them out: one at each step's end, the last one with the recording. */
function partsOf(record: RecordOutput): RecordedPart[] {
  const { recording } = record;
  const geometry = { width: recording.width, height: recording.height, viewport: recording.viewport, deviceScaleFactor: 2 };
  const parts: RecordedPart[] = [];
  let from = -1;
  let untilMs = 0;
  for (const [k, r] of record.steps.entries()) {
    untilMs = r.endMs ?? untilMs;
    parts.push({
      frames: recording.frames.filter((f) => (from < 0 ? f.t <= untilMs : f.t > from && f.t <= untilMs)),
      steps: record.steps.slice(0, k + 1),
      untilMs,
      geometry,
    });
    from = untilMs;
  }
  parts.push({
    frames: recording.frames.filter((f) => f.t > from),
    steps: record.steps,
    untilMs: recording.durationMs,
    geometry,
    recording,
  });
  return parts;
}

/** A record stage that replays `record`: each part goes out, then the stage returns the recording. */
function replay(record: RecordOutput, parts: RecordedPart[]): RecordPlugin {
  return definePlugin({
    name: 'local:replay',
    stage: 'record',
    async run(input) {
      for (const part of parts) {
        input.onPart?.(part);
        await new Promise((r) => setTimeout(r, 30));
      }
      return record;
    },
  });
}

interface Merged {
  runDir: string;
  mp4: Buffer;
  /** The WebM's streams: type, codec, width, rate. */
  webm?: unknown[][];
  out: FfmpegMergeOutput;
  logs: LogEntry[];
}

/** Record (replayed) with the merge's `live` beside it, then merge; then merge again after recording. */
async function liveAndAfter(options: FfmpegOptions, alter?: (record: RecordOutput) => RecordOutput) {
  const root = await tempDir();
  const merge = ffmpeg(options);
  const base = await resolveConfig({ merge }, { root });
  const runDir = await writeRun(base.runsDir, plan);
  const recorded = JSON.parse(await readFile(path.join(runDir, 'record', 'output.json'), 'utf8')) as RecordOutput;
  const parts = partsOf(recorded);
  const record = alter ? alter(recorded) : recorded;
  const config = await resolveConfig({ merge, record: replay(record, parts) }, { root });
  const read = async (logs: LogEntry[]): Promise<Merged> => {
    const out = JSON.parse(await readFile(path.join(runDir, 'merge', 'output.json'), 'utf8')) as FfmpegMergeOutput;
    const webm = out.files.find((f) => f.role === 'webm')?.path;
    return {
      runDir,
      out,
      logs,
      mp4: await readFile(path.join(runDir, out.files[0]!.path)),
      webm:
        webm === undefined
          ? undefined
          : (await probeFile(path.join(runDir, webm))).streams.map((s) => [
              s.codec_type,
              s.codec_name,
              s.width,
              s.avg_frame_rate,
            ]),
    };
  };
  const liveLogs: LogEntry[] = [];
  await runStages(config, runDir, ['record', 'merge'], { log: (e) => liveLogs.push(e) });
  const live = await read(liveLogs);
  const afterLogs: LogEntry[] = [];
  await runStage(config, 'merge', runDir, { log: (e) => afterLogs.push(e) });
  return { live, after: await read(afterLogs) };
}

const said = (logs: LogEntry[], text: string) => logs.some((l) => l.message.includes(text));

describe('encoding while recording', () => {
  it('makes the same mp4, byte for byte, as the merge after recording; the merge then only muxes', async () => {
    const { live, after } = await liveAndAfter({});
    expect(said(live.logs, 'using the video encoded while recording')).toBe(true);
    expect(live.logs.filter((l) => l.message.startsWith('ffmpeg -') && l.message.includes('libx264'))).toHaveLength(1);
    expect(said(after.logs, 'using the video encoded while recording')).toBe(false);
    expect(live.mp4.equals(after.mp4)).toBe(true);
    expect(live.out.narration).toEqual(after.out.narration);
    const probe = await probeFile(path.join(after.runDir, after.out.files[0]!.path));
    expect(probe.streams.find((s) => s.codec_type === 'video')?.avg_frame_rate).toBe('30/1');
  }, 120_000);

  it('with every option on (burned captions, zoom, cards, watermark, WebM) it is still one encode and the same files', async () => {
    const { live, after } = await liveAndAfter({
      captions: 'both',
      zoom: true,
      intro: { title: 'Live', durationMs: 1000 },
      outro: true,
      watermark: true,
      webm: true,
    });
    expect(said(live.logs, 'using the video encoded while recording')).toBe(true);
    expect(live.mp4.equals(after.mp4)).toBe(true);
    // VP9 in "realtime" mode adapts to the machine's speed, so the WebM is never bit-reproducible; its streams match.
    expect(live.webm).toEqual(after.webm);
    expect(live.webm).toHaveLength(2);
    expect(live.out.durationMs).toBe(after.out.durationMs);
  }, 180_000);

  it('a frame that arrived after its part was encoded: the merge notices and encodes again, to the same file', async () => {
    const late = (record: RecordOutput): RecordOutput => {
      const frames = [...record.recording.frames];
      const i = frames.findIndex((f) => f.t > 1500);
      frames.splice(i, 0, { path: frames[0]!.path, t: (frames[i - 1]!.t + frames[i]!.t) / 2 }); // the first picture again
      return { ...record, recording: { ...record.recording, frames } };
    };
    const { live, after } = await liveAndAfter({}, late);
    expect(said(live.logs, 'encoding again: the video encoded while recording cannot be used')).toBe(true);
    expect(live.mp4.equals(after.mp4)).toBe(true);
  }, 120_000);
});
