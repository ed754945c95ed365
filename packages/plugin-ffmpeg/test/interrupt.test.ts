import { readdir, readFile } from 'node:fs/promises';
import { type HookPlugin, resolveConfig, runStage, type ShowrunnerError } from '@showrunner/core';
import ffmpeg from '@showrunner/plugin-ffmpeg';
import { describe, expect, it } from 'vitest';
import { toneWav } from './media.js';
import { demoWith, finalFiles, framesFor, type ScenarioPlan, type StepPlan, tempDir, writeRun } from './scenario.js';

// Long enough (20 s, slow preset) that the encode is certainly still running when it is stopped.
const clip = (ms: number) => ({ wav: toneWav({ ms, rate: 24_000, amp: 0.3 }), rate: 24_000, durationMs: ms, text: 'A line.' });
const steps: StepPlan[] = [
  { status: 'done', startMs: 0, narrationMs: 100, endMs: 9000, clip: clip(2000) },
  { status: 'done', startMs: 10_000, narrationMs: 10_100, endMs: 19_000, clip: clip(2000) },
];
const plan: ScenarioPlan = {
  demo: demoWith(['goto', 'click'], ['A line.', 'A line.'], [undefined, undefined]),
  look: { viewport: { width: 640, height: 360 }, dpr: 1 },
  durationMs: 20_000,
  steps,
  frames: framesFor(steps, 20_000),
};

/** Our own ffmpeg child (ppid = this process), found in /proc. */
async function ffmpegChild(): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const m = /^(\d+) \((.*)\) \S (\d+)/.exec(stat);
    if (m && m[2] === 'ffmpeg' && Number(m[3]) === process.pid) return Number(m[1]);
  }
  return undefined;
}

async function setup(onProgress: (done: number, total: number) => void) {
  const root = await tempDir();
  const watcher: HookPlugin = { name: 'test:stopper', hooks: { onProgress: (e) => onProgress(e.done, e.total) } };
  const merge = ffmpeg({ ffmpegPath: '/usr/bin/ffmpeg', preset: 'veryslow' });
  const config = await resolveConfig({ merge, plugins: [watcher] }, { root });
  return { config, runDir: await writeRun(config.runsDir, plan) };
}

describe('an interrupted encode', () => {
  it('killed from outside: SR_FFMPEG_FAILED, and no final.mp4 (not even a partial one)', async () => {
    let killed: number | undefined;
    const { config, runDir } = await setup((done, total) => {
      if (killed || done === 0 || done >= total) return;
      void ffmpegChild().then((pid) => {
        if (pid && !killed) {
          killed = pid;
          process.kill(pid, 'SIGKILL');
        }
      });
    });
    const err = (await runStage(config, 'merge', runDir).catch((e: unknown) => e)) as ShowrunnerError;
    expect(killed).toBeDefined();
    expect(err).toMatchObject({ code: 'SR_FFMPEG_FAILED', stage: 'merge' });
    expect(err.message).toContain('killed by SIGKILL');
    expect(await finalFiles(runDir)).toEqual([]);
  });

  it('cancelled: SR_ABORTED, ffmpeg is stopped, no final.mp4', async () => {
    const controller = new AbortController();
    let pid: number | undefined;
    const { config, runDir } = await setup((done, total) => {
      if (controller.signal.aborted || done === 0 || done >= total) return;
      void ffmpegChild().then((p) => {
        pid = p;
        controller.abort();
      });
    });
    const err = await runStage(config, 'merge', runDir, { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SR_ABORTED', stage: 'merge' });
    expect(pid).toBeDefined();
    expect(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => 'gone')).toBe('gone');
    expect(await finalFiles(runDir)).toEqual([]);
  });
});
