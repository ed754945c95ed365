// Shared test helpers: a tiny tone voice for clip lengths, run folders on temp dirs, the sample
// app server, and frame pixels decoded with the system ffmpeg (no image library needed).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createRun,
  type Demo,
  type DemoInput,
  definePlugin,
  encodeWav,
  parseDemo,
  type RecordOutput,
  type RecordPlugin,
  resolveConfig,
  type TtsPlugin,
  type UserConfig,
} from '@showrunner/core';
import { startExampleServer } from '../../../examples/server.mjs';

export const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples');

export const tempDir = (prefix = 'sr-pw-') => mkdtemp(path.join(tmpdir(), prefix));

/** A voice that hums `msPerChar` per character, so clip length follows the text. */
export function toneTts(msPerChar = 12): TtsPlugin {
  return definePlugin({
    name: 'test:tone',
    stage: 'tts',
    fingerprint: `tone-${msPerChar}`,
    async run({ text, file }) {
      const sampleRate = 8000;
      const samples = new Float32Array(Math.round((text.length * msPerChar * sampleRate) / 1000));
      for (let i = 0; i < samples.length; i++) samples[i] = 0.2 * Math.sin((2 * Math.PI * 330 * i) / sampleRate);
      await writeFile(file, encodeWav(samples, sampleRate));
      return { sampleRate, durationMs: (samples.length / sampleRate) * 1000 };
    },
  });
}

/** The sample tour, parsed. */
export async function tourDemo(): Promise<Demo> {
  return parseDemo(JSON.parse(await readFile(path.join(EXAMPLES, 'tour.demo.json'), 'utf8')), 'tour.demo.json');
}

/** A run folder for a demo with the given record plugin and the tone voice, against `baseUrl`. */
export async function setupRun(demo: DemoInput | Demo, record: RecordPlugin, baseUrl: string, extra: UserConfig = {}) {
  const root = await tempDir();
  const config = await resolveConfig({ tts: toneTts(), record, baseUrl, ...extra }, { root });
  const runDir = await createRun(config.runsDir, { demo: parseDemo(demo, 'test demo') });
  return { root, config, runDir };
}

/** Start the sample app for a test file; call the returned close in afterAll. */
export const exampleServer = () => startExampleServer();

/** Width and height of a JPEG, from its SOF marker. */
export function jpegSize(file: string): { width: number; height: number } {
  const d = readFileSync(file);
  let i = 2;
  while (i < d.length) {
    const marker = d[i + 1]!;
    const len = d.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: d.readUInt16BE(i + 5), width: d.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  throw new Error(`${file}: no SOF marker`);
}

/** RGB pixels of a region of an image file (JPEG or PNG), decoded by ffmpeg. */
export function pixels(file: string, box: { x: number; y: number; width: number; height: number }): Buffer {
  const { x, y, width, height } = box;
  return execFileSync('ffmpeg', [
    ...['-v', 'error', '-i', file, '-vf', `format=rgb24,crop=${width}:${height}:${x}:${y}`],
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
  ]);
}

/** RGB pixels of one region in each of many JPEG files, in order: one ffmpeg run for all of them. */
export function regionOfFrames(files: string[], box: { x: number; y: number; width: number; height: number }): Buffer[] {
  const { x, y, width, height } = box;
  const raw = execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-f', 'image2pipe', '-c:v', 'mjpeg', '-i', '-', '-vf', `format=rgb24,crop=${width}:${height}:${x}:${y}`],
      ...['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    ],
    { input: Buffer.concat(files.map((f) => readFileSync(f))), maxBuffer: 1 << 30 },
  );
  const size = width * height * 3;
  expectLength(raw.length, size * files.length);
  return files.map((_, i) => raw.subarray(i * size, (i + 1) * size));
}

function expectLength(actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`ffmpeg decoded ${actual} bytes, expected ${expected}`);
}

/** Sum of absolute horizontal and vertical neighbour differences (edge energy) per pixel. */
export function edgeEnergy(rgb: Buffer, width: number, height: number): number {
  let sum = 0;
  const at = (x: number, y: number, c: number) => rgb[(y * width + x) * 3 + c]!;
  for (let y = 0; y < height - 1; y++)
    for (let x = 0; x < width - 1; x++)
      for (let c = 0; c < 3; c++) sum += Math.abs(at(x, y, c) - at(x + 1, y, c)) + Math.abs(at(x, y, c) - at(x, y + 1, c));
  return sum / (width * height);
}

/** Mean absolute difference per channel between two equally sized RGB buffers. */
export function meanDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Every file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

/** The record output of a finished run folder. */
export async function recordOutput(runDir: string): Promise<RecordOutput> {
  return JSON.parse(await readFile(path.join(runDir, 'record', 'output.json'), 'utf8'));
}

/** Pids of this process's Chromium children (each browser's main process). */
export function chromiumChildren(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom');
      } catch {
        return false;
      }
    })
    .map(Number);
}
