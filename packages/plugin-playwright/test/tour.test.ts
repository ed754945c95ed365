import { existsSync } from 'node:fs';
import path from 'node:path';
import { RecordingSchema, type RecordOutput, runPipeline, StepResultSchema } from '@showrunner/core';
import playwright from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleServer, jpegSize, recordOutput, setupRun, tourDemo } from './helpers.js';

let server: Awaited<ReturnType<typeof exampleServer>>;
beforeAll(async () => {
  server = await exampleServer();
});
afterAll(() => server?.close());

describe('the example tour', () => {
  let out: RecordOutput;
  let runDir: string;
  let clips: Map<string, number>;
  const events: string[] = [];

  beforeAll(async () => {
    const demo = await tourDemo();
    const hooks = {
      name: 'test:events',
      hooks: {
        onStepStart: ({ index }: { index: number }) => void events.push(`start:${index}`),
        onStepEnd: ({ index, result }: { index: number; result: { status: string } }) =>
          void events.push(`end:${index}:${result.status}`),
      },
    };
    const setup = await setupRun(demo, playwright({ typingDelayMs: 20, leadMs: 150, gapMs: 200 }), server.url, {
      plugins: [hooks],
    });
    runDir = setup.runDir;
    const run = await runPipeline(setup.config, runDir, { until: 'record' });
    out = await recordOutput(runDir);
    clips = new Map(run.outputs.tts?.clips.map((c) => [c.stepId, c.durationMs]));
  }, 120_000);

  it('performs every step', () => {
    expect(out.steps.map((s) => s.status)).toEqual(Array(17).fill('done'));
    for (const s of out.steps) StepResultSchema.parse(s);
    expect(events.filter((e) => e.startsWith('start'))).toHaveLength(17);
    expect(events.filter((e) => e.startsWith('end'))).toHaveLength(17);
  });

  it('writes sorted JPEG frames of the viewport size under record/<attempt>/frames', () => {
    const rec = RecordingSchema.parse(out.recording);
    expect(rec.frames.length).toBeGreaterThan(50);
    expect(rec.frames[0]!.t).toBe(0);
    for (let i = 1; i < rec.frames.length; i++) expect(rec.frames[i]!.t).toBeGreaterThanOrEqual(rec.frames[i - 1]!.t);
    for (const f of rec.frames) {
      expect(f.path).toMatch(/^record\/\d+\/frames\//);
      expect(existsSync(path.join(runDir, f.path))).toBe(true);
    }
    expect(jpegSize(path.join(runDir, rec.frames[0]!.path))).toEqual({ width: 1280, height: 720 });
    expect(rec.frames.at(-1)!.t).toBeLessThanOrEqual(rec.durationMs);
    expect(rec.durationMs).toBe(out.steps.at(-1)!.endMs);
  });

  it('keeps step times monotonic and holds each step for lead + clip + gap', () => {
    let last = 0;
    for (const s of out.steps) {
      expect(s.startMs!).toBeGreaterThanOrEqual(last);
      expect(s.narrationMs).toBeCloseTo(s.startMs! + 150, 2);
      expect(s.endMs! - s.narrationMs!).toBeGreaterThanOrEqual(clips.get(s.step.id)! + 200 - 1);
      last = s.endMs!;
    }
  });

  it('reports target boxes inside the viewport and writes back resolved selectors', () => {
    const targeted = out.steps.filter((s) => s.step.target);
    for (const s of targeted) {
      const b = s.box!;
      expect(b, s.step.id).toBeDefined();
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(1280);
      expect(b.y + b.height).toBeLessThanOrEqual(720);
      expect(s.step.resolved, s.step.id).toMatch(/^internal:/);
    }
  });
});
