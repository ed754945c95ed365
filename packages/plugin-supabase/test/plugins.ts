// Small stage plugins written against the public contracts (copied from core's test fixtures, plus
// a merge that writes every kind of file the ffmpeg merge writes), so core's real runStage can drive
// this package's storage stage and run files without a browser or ffmpeg.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { definePlugin, encodeWav, type MergePlugin, type RecordPlugin, type StepResult, type TtsPlugin } from '@showrunner/core';

/** A voice that hums 40 ms per character. */
export function humTts(): TtsPlugin {
  return definePlugin({
    name: 'test:hum',
    stage: 'tts',
    fingerprint: 'hum-v1',
    async run({ text, file }) {
      const sampleRate = 8000;
      const samples = new Float32Array(Math.round(text.length * 0.04 * sampleRate));
      for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / sampleRate);
      await writeFile(file, encodeWav(samples, sampleRate));
      return { sampleRate, durationMs: (samples.length / sampleRate) * 1000 };
    },
  });
}

/** A recorder without a browser: one random "frame" per step (`frameBytes` each), held for its clip. */
export function paperRecorder(frameBytes = 2048): RecordPlugin {
  return definePlugin({
    name: 'test:paper-recorder',
    stage: 'record',
    async run({ demo, clipDuration }, ctx) {
      const steps: StepResult[] = [];
      const frames = [];
      let t = 0;
      for (const [index, step] of demo.steps.entries()) {
        await ctx.emit('onStepStart', { step, index });
        const hold = await clipDuration(step);
        const file = path.join(ctx.dir, `frame-${index}.jpg`);
        await writeFile(file, randomBytes(frameBytes));
        frames.push({ path: await ctx.artifact(file, 'frame'), t });
        const result: StepResult = { step, status: 'done', startMs: t, narrationMs: t + 100, endMs: t + hold + 300 };
        t = result.endMs!;
        steps.push(result);
        await ctx.emit('onStepEnd', { step, index, result });
      }
      const viewport = { width: 1280, height: 720 };
      return {
        recording: { width: 1280, height: 720, viewport, deviceScaleFactor: 1, startedAt: Date.now(), durationMs: t, frames },
        steps,
      };
    },
  });
}

/** Bytes of each file `filesMerge` writes, by name. */
export const MERGED = {
  'final.mp4': 300_000,
  'captions.vtt': 400,
  'captions.srt': 380,
  'poster.jpg': 20_000,
  'preview.gif': 50_000,
  'final.webm': 200_000,
} as const;

/** A merge that writes the ffmpeg merge's set of files (random bytes of the sizes above), the mp4 first. */
export function filesMerge(sizes: Record<string, number> = MERGED): MergePlugin {
  const roles: Record<string, 'video' | 'captions' | 'subtitles' | 'poster' | 'gif' | 'webm'> = {
    '.mp4': 'video',
    '.vtt': 'captions',
    '.srt': 'subtitles',
    '.jpg': 'poster',
    '.gif': 'gif',
    '.webm': 'webm',
  };
  return definePlugin({
    name: 'test:files-merge',
    stage: 'merge',
    async run({ steps, recording }, ctx) {
      const files = [];
      for (const [name, bytes] of Object.entries(sizes)) {
        const file = path.join(ctx.dir, name);
        await writeFile(file, randomBytes(bytes));
        files.push({ role: roles[path.extname(name)] ?? 'other', path: await ctx.artifact(file, 'output') } as const);
      }
      const done = steps.filter((s) => s.status === 'done');
      return {
        files,
        durationMs: recording.durationMs,
        width: recording.width,
        height: recording.height,
        fps: 30,
        sizeBytes: Object.values(sizes).reduce((a, b) => a + b, 0),
        narration: done.map((s) => ({ stepId: s.step.id, startMs: s.narrationMs!, endMs: s.endMs! })),
      };
    },
  });
}
