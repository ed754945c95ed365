// Benchmark of the record stage on the example tour (run: `npx tsx bench/record.ts [runs]`).
// Prints delivered frames/s during motion (cursor glides, scrolls, transitions), CPU seconds of
// this process and its Chromium, and peak Chromium memory (PSS summed over its processes).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runStage } from '@showrunner/core';
import playwright from '@showrunner/plugin-playwright';
import { exampleServer, recordOutput, setupRun, toneTts, tourDemo } from '../test/helpers.js';

/** Start the sampler process on this process's tree; `stop()` returns its figures. */
function sampler() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./sampler.mjs', import.meta.url)), String(process.pid)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  return {
    async stop(): Promise<{ peakPssMb: number; cpuSeconds: number }> {
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.write('stop\n');
      await done;
      return JSON.parse(out);
    },
  };
}

/** Frames/s inside bursts of motion: runs of frames less than 100 ms apart, lasting ≥ 300 ms. */
function motionFps(ts: number[]): { fps: number; seconds: number; bursts: number } {
  let frames = 0;
  let span = 0;
  let bursts = 0;
  let start = 0;
  for (let i = 1; i <= ts.length; i++) {
    if (i === ts.length || ts[i]! - ts[i - 1]! >= 100) {
      const d = ts[i - 1]! - ts[start]!;
      if (d >= 300) {
        frames += i - 1 - start;
        span += d;
        bursts++;
      }
      start = i;
    }
  }
  return { fps: span ? (frames / span) * 1000 : 0, seconds: span / 1000, bursts };
}

const runs = Number(process.argv[2] ?? 1);
const server = await exampleServer();
try {
  for (let r = 1; r <= runs; r++) {
    // Tone clips at 60 ms per character: about the pace of a real voice.
    const { config, runDir } = await setupRun(await tourDemo(), playwright(), server.url, { tts: toneTts(60) });
    await runStage(config, 'tts', runDir); // voices first, so only recording is measured
    const cpu0 = process.cpuUsage();
    const wall0 = Date.now();
    const sample = sampler();
    await runStage(config, 'record', runDir);
    const { peakPssMb, cpuSeconds } = await sample.stop();
    const wall = (Date.now() - wall0) / 1000;
    const own = process.cpuUsage(cpu0);
    const nodeCpu = (own.user + own.system) / 1e6;
    const childCpu = cpuSeconds; // Chromium: every descendant but the sampler
    const { recording, steps } = await recordOutput(runDir);
    const ts = recording.frames.map((f) => f.t);
    const motion = motionFps(ts);
    console.log(
      `run ${r}/${runs}: ${steps.length} steps, ${(recording.durationMs / 1000).toFixed(1)} s recorded in ${wall.toFixed(1)} s wall`,
    );
    console.log(
      `  frames: ${ts.length} (${((ts.length / recording.durationMs) * 1000).toFixed(1)}/s overall, VFR: only on change)`,
    );
    console.log(
      `  delivered fps during motion: ${motion.fps.toFixed(1)} (${motion.bursts} bursts, ${motion.seconds.toFixed(1)} s)  goal ≥ 25`,
    );
    console.log(
      `  CPU seconds: ${(nodeCpu + childCpu).toFixed(1)} (node ${nodeCpu.toFixed(1)} + chromium ${childCpu.toFixed(1)})`,
    );
    console.log(`  peak Chromium PSS: ${peakPssMb.toFixed(0)} MB  goal ≤ 1024 MB`);
  }
} finally {
  await server.close();
}
