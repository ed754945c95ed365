// Small stage plugins written against the public contracts, the way a user would write their own.
// The pipeline tests run core for real with them on temp folders.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  definePlugin,
  encodeWav,
  type Frame,
  type MergePlugin,
  type RecordPlugin,
  ShowrunnerError,
  type StepResult,
  type TtsPlugin,
} from '@showrunner/core';

export const tempDir = (prefix = 'sr-core-') => mkdtemp(path.join(tmpdir(), prefix));

/** A voice that hums 40 ms per character, so clip length follows the text. Counts its syntheses. */
export function humTts(calls: string[] = []): TtsPlugin {
  return definePlugin({
    name: 'test:hum',
    stage: 'tts',
    fingerprint: 'hum-v1',
    async run({ text, file }) {
      calls.push(text);
      const sampleRate = 8000;
      const samples = new Float32Array(Math.round(text.length * 0.04 * sampleRate));
      for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / sampleRate);
      await writeFile(file, encodeWav(samples, sampleRate));
      return { sampleRate, durationMs: (samples.length / sampleRate) * 1000 };
    },
  });
}

/**
 * A recorder without a browser: "performs" each step by writing one frame, holds it for its clip's
 * length, and treats a css target of `#missing` as a step whose element cannot be found.
 */
export function paperRecorder(log: string[] = []): RecordPlugin {
  return definePlugin({
    name: 'test:paper-recorder',
    stage: 'record',
    async run({ demo, clipDuration, decide, onPart }, ctx) {
      const steps: StepResult[] = [];
      const frames: Frame[] = [];
      const geometry = { width: 1280, height: 720, viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 };
      let sent = 0;
      const part = () => {
        onPart?.({ frames: frames.slice(sent), steps: [...steps], untilMs: t, geometry });
        sent = frames.length;
      };
      let t = 0;
      const queue = demo.steps.map((step, index) => ({ step, index }));
      while (queue.length) {
        const { step, index } = queue.shift()!;
        await ctx.emit('onStepStart', { step, index });
        let attempt = 1;
        let failed = step.target?.css === '#missing';
        while (failed) {
          const error = new ShowrunnerError('SR_STEP_TARGET_NOT_FOUND', `No element for step ${step.id}`, {
            step: { index, id: step.id },
          });
          const decision = await decide({ step, index, attempt, error });
          log.push(`${step.id}:${typeof decision === 'string' ? decision : 'replace'}`);
          if (decision === 'abort') throw new ShowrunnerError('SR_STEP_ABORTED', `Aborted at step ${step.id}`, { cause: error });
          if (decision === 'retry') {
            attempt++;
            failed = attempt < 3; // the element shows up on the third try
            continue;
          }
          const result: StepResult = { step, status: decision === 'skip' ? 'skipped' : 'replaced' };
          steps.push(result);
          part();
          await ctx.emit('onStepEnd', { step, index, result });
          if (typeof decision === 'object') queue.unshift(...decision.replace.map((s) => ({ step: s, index })));
          break;
        }
        if (failed) continue;
        const hold = await clipDuration(step);
        const file = path.join(ctx.dir, `frame-${steps.length}.jpg`);
        await writeFile(file, `frame of ${step.id}`);
        frames.push({ path: await ctx.artifact(file, 'frame'), t });
        const performed = { ...step, resolved: `paper=${step.id}` }; // the "selector" that worked
        const result: StepResult = { step: performed, status: 'done', startMs: t, narrationMs: t + 100, endMs: t + hold + 300 };
        t = result.endMs!;
        steps.push(result);
        part();
        log.push(`${step.id}:done`);
        await ctx.emit('onStepEnd', { step, index, result });
      }
      const recording = { ...geometry, startedAt: Date.now(), durationMs: t, frames };
      onPart?.({ frames: frames.slice(sent), steps: [...steps], untilMs: t, geometry, recording });
      return { recording, steps };
    },
  });
}

/** A merge that writes a text "video" listing each narrated step and its clip. */
export function listMerge(): MergePlugin {
  return definePlugin({
    name: 'test:list-merge',
    stage: 'merge',
    async run({ steps, clips, recording }, ctx) {
      const done = steps.filter((s) => s.status === 'done');
      const lines = done.map((s) => `${s.step.id} ${clips.find((c) => c.stepId === s.step.id)?.path}`);
      const file = path.join(ctx.dir, 'final.mp4');
      await writeFile(file, lines.join('\n'));
      return {
        files: [{ role: 'video', path: await ctx.artifact(file, 'video') }],
        durationMs: recording.durationMs,
        width: recording.width,
        height: recording.height,
        fps: 30,
        sizeBytes: lines.join('\n').length,
        narration: done.map((s) => ({ stepId: s.step.id, startMs: s.narrationMs!, endMs: s.endMs! })),
      };
    },
  });
}

/**
 * listMerge with a `live` that starts while the recording is made: it writes each part it gets (step
 * ids so far, frames, whether it was the last) and each clip it was given to `parts.txt` in its folder;
 * `run` copies that file next to the video when it is handed the folder. `fail` makes `live` throw.
 */
export function liveListMerge(seen: { live?: string; parts: string[] }, fail = false): MergePlugin {
  const base = listMerge();
  return definePlugin({
    ...base,
    name: 'test:live-list-merge',
    async live({ parts, clip }, ctx) {
      const lines: string[] = [];
      for await (const part of parts) {
        const ids = part.steps.map((s) => `${s.step.id}=${s.status}`).join(',');
        const clips = await Promise.all(part.steps.filter((s) => s.status === 'done').map((s) => clip(s.step.id)));
        lines.push(`${ids} frames=${part.frames.length} clips=${clips.filter(Boolean).length}${part.recording ? ' last' : ''}`);
        if (fail) throw new ShowrunnerError('SR_STAGE_FAILED', 'live merge broke');
      }
      seen.parts = lines;
      await writeFile(path.join(ctx.dir, 'parts.txt'), lines.join('\n'));
    },
    async run(input, ctx) {
      seen.live = input.live;
      if (input.live) await writeFile(path.join(ctx.dir, 'parts.txt'), await readFile(ctx.resolve(`${input.live}/parts.txt`)));
      return base.run(input, ctx);
    },
  });
}
