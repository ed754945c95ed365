// Stage plugins a user could write inline: a voice writing silent WAVs, a recorder without a browser,
// a merge that writes a text file. They exercise the CLI and core for real, without the heavy plugins.
export const INLINE_PLUGINS = `
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineConfig, definePlugin, writeSilence } from '@showrunner/core';

const tts = definePlugin({ name: 'local:quiet', stage: 'tts', fingerprint: 'q1',
  async run({ text, file }) { const w = await writeSilence(file, 20 * text.length); return { sampleRate: w.sampleRate, durationMs: w.durationMs }; } });
const record = definePlugin({ name: 'local:paper', stage: 'record', async run({ demo, clipDuration }, ctx) {
  let t = 0; const steps = [];
  for (const step of demo.steps) { const d = await clipDuration(step); steps.push({ step: { ...step, resolved: 'paper=' + step.id }, status: 'done', startMs: t, narrationMs: t, endMs: t + d }); t += d; }
  return { recording: { width: 8, height: 8, viewport: { width: 8, height: 8 }, deviceScaleFactor: 1, startedAt: 0, durationMs: t, frames: [] }, steps };
} });
const merge = definePlugin({ name: 'local:text', stage: 'merge', async run({ steps, recording }, ctx) {
  const file = path.join(ctx.dir, 'final.mp4'); await writeFile(file, steps.map((s) => s.step.id).join(','));
  return { files: [{ role: 'video', path: await ctx.artifact(file, 'video') }], durationMs: recording.durationMs, width: 8, height: 8, fps: 1,
    sizeBytes: 1, narration: steps.map((s) => ({ stepId: s.step.id, startMs: s.narrationMs, endMs: s.endMs })) };
} });
`;
export const DEMO = JSON.stringify({
  url: 'http://localhost:9/',
  title: 'Quick tour',
  steps: [
    { action: 'goto', value: '/', narration: 'Home.' },
    { action: 'click', target: { name: 'Go' }, narration: 'Go somewhere.' },
  ],
});
