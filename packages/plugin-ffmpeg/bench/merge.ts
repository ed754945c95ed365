// Benchmark of the merge stage (run: `npx tsx bench/merge.ts` in packages/plugin-ffmpeg).
// 1. Wall time of the plugin's merge (through core's runStage) against one hand-written ffmpeg
//    command that makes the same mp4 (same frames, clips, holds, codecs, settings, subtitles and
//    chapters), alternating runs, median. Goal: ≤ 1.1×.
// 2. Encode speed as a multiple of real time at 720p with the default preset. Goal: ≥ 3×.
// 3. Peak memory of ffmpeg (VmHWM) and of this Node process.
// 4. PSNR of a final frame against the lossless frame of the same moment. Goal: ≥ 41 dB.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { type RecordOutput, resolveConfig, runStage, type TtsOutput } from '@showrunner/core';
import ffmpeg, { type FfmpegMergeOutput, FfmpegOptionsSchema, locateFfmpeg, probe } from '@showrunner/plugin-ffmpeg';
import { compose, H, renderPage, W, writeRun } from './recording.js';

const exec = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const defaults = FfmpegOptionsSchema.parse({});

/** Sample the peak RSS (VmHWM) of our ffmpeg children while `job` runs. */
async function withPeak<T>(job: () => Promise<T>): Promise<{ value: T; peakMb: number; ms: number }> {
  let peak = 0;
  const sample = async () => {
    for (const pid of (await readdir('/proc')).filter((e) => /^\d+$/.test(e))) {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      if (!/^Name:\s+ffmpeg$/m.test(status) || !new RegExp(`^PPid:\\s+${process.pid}$`, 'm').test(status)) continue;
      peak = Math.max(peak, Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024);
    }
  };
  const timer = setInterval(() => void sample(), 50);
  const t0 = performance.now();
  try {
    const value = await job();
    return { value, peakMb: peak, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

/** The hand-written command: the research's "loop" recipe (ffconcat of frame durations, fps, loop per hold, adelay + amix). */
async function handWritten(bin: string, runDir: string, out: FfmpegMergeOutput, target: string): Promise<void> {
  const modern = (await probe(bin)).libavfilter[0] >= 8;
  const record = JSON.parse(await readFile(path.join(runDir, 'record', 'output.json'), 'utf8')) as RecordOutput;
  const tts = JSON.parse(await readFile(path.join(runDir, 'tts', 'output.json'), 'utf8')) as TtsOutput;
  const { frames, durationMs } = record.recording;
  const fps = defaults.fps;
  const lines = ['ffconcat version 1.0'];
  frames.forEach((f, i) => {
    const next = frames[i + 1]?.t ?? durationMs;
    lines.push(`file '${path.join(runDir, f.path)}'`, `duration ${((next - f.t) / 1000).toFixed(3)}`);
  });
  lines.push(`file '${path.join(runDir, frames.at(-1)!.path)}'`);
  const concat = path.join(tmpdir(), `bench-${process.pid}.ffconcat`);
  await writeFile(concat, `${lines.join('\n')}\n`);
  // Holds: where a line (lead 200 ms + clip + 300 ms tail) runs past the next step's start.
  const steps = record.steps;
  const holds = steps.map((s, k) => {
    const boundary = steps[k + 1]?.startMs ?? durationMs;
    const clip = tts.clips.find((c) => c.stepId === s.step.id)!;
    const over = s.narrationMs! + clip.durationMs + 300 - boundary;
    return { at: boundary, frames: over > 0 ? Math.ceil((over * fps) / 1000) : 0 };
  });
  const loops = holds
    .filter((h) => h.frames)
    .reverse()
    .map((h) => `loop=loop=${h.frames}:size=1:start=${Math.ceil((h.at * fps) / 1000)}`); // start=S repeats frame S-1
  const totalFrames = Math.round((durationMs * fps) / 1000) + holds.reduce((s, h) => s + h.frames, 0);
  const delays = steps.map(
    (s) => s.narrationMs! + holds.filter((h) => h.at <= s.narrationMs!).reduce((a, h) => a + (h.frames * 1000) / fps, 0),
  );
  const audio = tts.clips.map((_, i) => `[${i + 1}:a]aresample=48000,volume=-6dB,adelay=${Math.round(delays[i]!)}[a${i}]`);
  const n = tts.clips.length;
  const meta = path.join(tmpdir(), `bench-${process.pid}.ffmeta`);
  await writeFile(
    meta,
    `;FFMETADATA1\n${out.chapters.map((c) => `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${c.startMs}\nEND=${c.endMs}\ntitle=${c.title}`).join('\n')}\n`,
  );
  const graph = [
    // Colour conversion first, once per captured frame, as the plugin does (a fair, tuned baseline).
    `[0:v]colorspace=ispace=bt470bg:iprimaries=bt709:itrc=srgb:irange=pc:all=bt709:trc=srgb:range=tv:format=yuv420p,fps=${fps},` +
      `trim=end_frame=${Math.round((durationMs * fps) / 1000)},${loops.join(',')}${loops.length ? ',' : ''}setpts=N/${fps}/TB[v]`,
    ...audio,
    // amix has normalize=0 since 4.4; older builds scale each input by 1/n, so undo that with volume.
    `${tts.clips.map((_, i) => `[a${i}]`).join('')}amix=inputs=${n}:duration=longest${modern ? ':normalize=0' : `,volume=${n}`},apad,atrim=end_sample=${(totalFrames * 48000) / fps},pan=stereo|c0=c0|c1=c0[a]`,
  ].join(';');
  await exec(bin, [
    ...['-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', concat],
    ...tts.clips.flatMap((c) => ['-i', path.join(runDir, c.path)]),
    ...['-i', path.join(runDir, out.files.find((f) => f.role === 'subtitles')!.path), '-f', 'ffmetadata', '-i', meta],
    ...['-filter_complex', graph, '-map', '[v]', '-map', '[a]', '-map', `${n + 1}:s`, '-map_chapters', String(n + 2)],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      defaults.preset,
      '-crf',
      String(defaults.crf),
      '-tune',
      defaults.tune,
      '-pix_fmt',
      'yuv420p',
    ],
    ...['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'],
    ...['-r', String(fps), '-c:a', 'aac', '-aac_coder', defaults.aacCoder, '-b:a', `${defaults.audioBitrate}k`, '-ar', '48000'],
    ...['-c:s', 'mov_text', '-movflags', '+faststart', target],
  ]);
}

/** RGB PSNR of output frame `n` of `mp4` against a lossless RGB frame. */
async function psnr(bin: string, mp4: string, n: number, reference: Buffer): Promise<number> {
  const { stdout } = await exec(
    bin,
    [
      ...['-v', 'error', '-i', mp4, '-vf', `select=eq(n\\,${n}),scale=in_color_matrix=bt709:in_range=tv,format=rgb24`],
      ...['-frames:v', '1', '-f', 'rawvideo', '-'],
    ],
    { encoding: 'buffer', maxBuffer: W * H * 3 + 1024 },
  );
  return psnrOf(stdout, reference);
}

function psnrOf(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < b.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / b.length));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const located = await locateFfmpeg();
  const bin = located.path;
  const root = await mkdtemp(path.join(tmpdir(), 'sr-ffmpeg-bench-'));
  console.log(`ffmpeg: ${bin} (${located.source}); ${RUNS} run(s) each; defaults: ${JSON.stringify(defaults)}`);
  const page = await renderPage(root, bin);
  const config = await resolveConfig({ merge: ffmpeg() }, { root });
  const { runDir, frames } = await writeRun(config.runsDir, page, bin);
  console.log(`recording: ${frames.length} JPEG frames over 60 s at ${W}x${H}, 10 steps, 10 clips`);

  const plugin: number[] = [];
  const hand: number[] = [];
  let out: FfmpegMergeOutput | undefined;
  let peaks = { plugin: 0, hand: 0 };
  for (let r = 0; r < RUNS; r++) {
    const a = await withPeak(() => runStage(config, 'merge', runDir) as Promise<FfmpegMergeOutput>);
    out = a.value;
    plugin.push(a.ms);
    const b = await withPeak(() => handWritten(bin, runDir, a.value, path.join(root, 'hand.mp4')));
    hand.push(b.ms);
    peaks = { plugin: Math.max(peaks.plugin, a.peakMb), hand: Math.max(peaks.hand, b.peakMb) };
    console.log(`run ${r + 1}: plugin ${(a.ms / 1000).toFixed(2)} s, hand-written ${(b.ms / 1000).toFixed(2)} s`);
  }
  const outSec = out!.durationMs / 1000;
  const p = median(plugin);
  const h = median(hand);
  console.log(
    `output: ${outSec.toFixed(2)} s, ${out!.width}x${out!.height}@${out!.fps}, ${(out!.sizeBytes / 1e6).toFixed(2)} MB`,
  );
  console.log(
    `wall time (median): plugin ${(p / 1000).toFixed(2)} s vs hand-written ${(h / 1000).toFixed(2)} s → ${(p / h).toFixed(2)}× (goal ≤ 1.1×)`,
  );
  console.log(
    `encode speed: ${(outSec / (p / 1000)).toFixed(2)}× real time (plugin, all included); ${(outSec / (h / 1000)).toFixed(2)}× (hand-written)  (goal ≥ 3×)`,
  );
  console.log(
    `peak RSS: ffmpeg ${peaks.plugin.toFixed(0)} MB (plugin) / ${peaks.hand.toFixed(0)} MB (hand-written); node ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );

  // PSNR: a still moment (4 s into step 5, long after its scroll), in the final file and in its source JPEG.
  const recMs = 4 * 6000 + 4000;
  const chapter = out!.chapters[4]!;
  const n = Math.round(((chapter.startMs + (recMs - 4 * 6000)) * out!.fps) / 1000);
  const state = [...frames].reverse().find((f) => f.t <= recMs)!;
  const reference = compose(page, state);
  const final = await psnr(bin, path.join(runDir, out!.files[0]!.path), n, reference);
  const jpeg = await exec(
    bin,
    [
      '-v',
      'error',
      '-i',
      path.join(runDir, 'record', 'frames', `${String(frames.indexOf(state)).padStart(5, '0')}.jpg`),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { encoding: 'buffer', maxBuffer: W * H * 3 + 1024 },
  );
  console.log(
    `PSNR vs lossless frame at ${recMs} ms: final.mp4 ${final.toFixed(2)} dB (goal ≥ 41); its JPEG source alone ${psnrOf(jpeg.stdout, reference).toFixed(2)} dB`,
  );
  const load = await readFile('/proc/loadavg', 'utf8');
  console.log(`load average during the bench: ${load.trim()}  (2 cores; other work on the machine slows every figure)`);
}

await main();
