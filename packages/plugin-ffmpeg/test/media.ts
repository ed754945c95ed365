// Test helpers that make and inspect real media with the Debian ffmpeg/ffprobe (independent of the
// binary under test): synthetic UI frames with a barcode of their index and a red cursor, tone
// clips, and decoders for what the merge wrote.
import { execFile, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { encodeWav } from '@showrunner/core';

const exec = promisify(execFile);
export const DEBIAN_FFMPEG = '/usr/bin/ffmpeg';
export const FFPROBE = '/usr/bin/ffprobe';

/** One captured frame: its time and where the cursor is (CSS px). */
export interface FrameSpec {
  t: number;
  cursor: { x: number; y: number };
}

export interface Look {
  viewport: { width: number; height: number };
  dpr: number;
  /** Dark UI (for burned-in caption checks) or light. */
  dark?: boolean;
}

export const CURSOR_CSS = 14;
const BITS = 10;

/** Barcode geometry in output pixels of a given height (blocks scale with the picture). */
export const barcode = (width: number, height: number) => {
  const block = Math.round(height / 18);
  return { block, y: Math.round(block * 0.6), x: (i: number) => Math.round(block * 0.6 + i * block * 1.5), width, height };
};

/** Render frames (index barcode top-left, panels, red cursor) and write them as JPEG files `00000.jpg`... */
export async function writeFrames(dir: string, specs: FrameSpec[], look: Look): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const W = look.viewport.width * look.dpr;
  const H = look.viewport.height * look.dpr;
  const base = Buffer.alloc(W * H * 3);
  const fill = (buf: Buffer, x0: number, y0: number, w: number, h: number, rgb: [number, number, number]) => {
    for (let y = Math.max(0, y0); y < Math.min(H, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(W, x0 + w); x++) buf.set(rgb, (y * W + x) * 3);
    }
  };
  fill(base, 0, 0, W, H, look.dark ? [31, 41, 55] : [243, 244, 246]);
  const s = look.dpr;
  fill(base, 40 * s, 90 * s, 260 * s, 200 * s, look.dark ? [55, 65, 81] : [255, 255, 255]);
  for (let i = 0; i < 6; i++) fill(base, 56 * s, (110 + i * 26) * s, (200 - i * 17) * s, 10 * s, [100, 116, 139]);
  fill(base, 340 * s, 120 * s, 240 * s, 48 * s, [37, 99, 235]);
  fill(base, 340 * s, 200 * s, 180 * s, 36 * s, [16, 185, 129]);
  const bc = barcode(W, H);
  const child = spawn(DEBIAN_FFMPEG, [
    ...['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', '1', '-i', '-'],
    ...['-q:v', '3', '-start_number', '0', path.join(dir, '%05d.jpg')],
  ]);
  const done = new Promise<void>((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`frame writer exited ${code}`))));
  });
  for (const [index, spec] of specs.entries()) {
    const frame = Buffer.from(base);
    for (let i = 0; i < BITS; i++) {
      const on = (index >> i) & 1;
      fill(frame, bc.x(i), bc.y, bc.block, bc.block, on ? [255, 255, 255] : [0, 0, 0]);
    }
    const c = CURSOR_CSS * s;
    fill(frame, Math.round(spec.cursor.x * s - c / 2), Math.round(spec.cursor.y * s - c / 2), c, c, [230, 20, 20]);
    if (!child.stdin.write(frame)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  await done;
  return specs.map((_, i) => path.join(dir, `${String(i).padStart(5, '0')}.jpg`));
}

/** Read the barcode of an rgb24 frame of the given size (-1 when a block is ambiguous). */
export function readBarcode(rgb: Buffer, width: number, height: number): number {
  const bc = barcode(width, height);
  let value = 0;
  for (let i = 0; i < BITS; i++) {
    const cx = bc.x(i) + Math.floor(bc.block / 2);
    const cy = bc.y + Math.floor(bc.block / 2);
    const at = (cy * width + cx) * 3;
    const luma = (rgb[at]! + rgb[at + 1]! + rgb[at + 2]!) / 3;
    if (luma > 90 && luma < 165) return -1;
    if (luma >= 165) value |= 1 << i;
  }
  return value;
}

/** A mono WAV: `leadMs` of silence, then a tone (or clicks), at `rate`. */
export function toneWav(o: { ms: number; rate: number; amp: number; freq?: number; leadMs?: number; clicks?: boolean }): Buffer {
  const lead = Math.round(((o.leadMs ?? 0) * o.rate) / 1000);
  const n = lead + Math.round((o.ms * o.rate) / 1000);
  const samples = new Float32Array(n);
  for (let i = lead; i < n; i++) {
    const t = (i - lead) / o.rate;
    samples[i] = o.amp * Math.sin(2 * Math.PI * (o.freq ?? 440) * t);
    if (o.clicks && (i - lead) % Math.round(o.rate / 10) < 3) samples[i] = 0.999; // full-scale clicks: high crest factor
  }
  return encodeWav(samples, o.rate);
}

/** ffprobe's JSON for streams, format and chapters. */
export async function probeFile(file: string): Promise<Probe> {
  const { stdout } = await exec(FFPROBE, [
    ...['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', '-show_chapters', file],
  ]);
  return JSON.parse(stdout) as Probe;
}

export interface Probe {
  streams: {
    index: number;
    codec_type: string;
    codec_name: string;
    pix_fmt?: string;
    width?: number;
    height?: number;
    r_frame_rate?: string;
    avg_frame_rate?: string;
    nb_frames?: string;
    duration?: string;
    sample_rate?: string;
    channels?: number;
    tags?: Record<string, string>;
  }[];
  format: { duration: string; format_name: string; size: string; tags?: Record<string, string> };
  chapters: { start_time: string; end_time: string; tags?: { title?: string } }[];
}

/** Video packet timestamps (s) in decode order sorted by pts. */
export async function videoPts(file: string): Promise<number[]> {
  const { stdout } = await exec(
    FFPROBE,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Where sound starts after silence (s), from ffmpeg's silencedetect on the decoded audio track. */
export async function soundStarts(file: string, noiseDb = -50, minSilence = 0.1): Promise<number[]> {
  const { stderr } = await exec(DEBIAN_FFMPEG, [
    ...['-hide_banner', '-nostats', '-i', file, '-map', '0:a:0'],
    ...['-af', `silencedetect=n=${noiseDb}dB:d=${minSilence}`, '-f', 'null', '-'],
  ]);
  const [, h, m, sec] = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr)!;
  const duration = (Number(h) * 60 + Number(m)) * 60 + Number(sec);
  // silencedetect also "ends" a silence at the end of the file: that is no sound starting.
  const starts = [...stderr.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1])).filter((t) => t < duration - 0.05);
  // A file that opens with sound has no silence before it: silencedetect reports no end for it.
  const firstSilence = /silence_start: ([\d.-]+)/.exec(stderr);
  if (!firstSilence || Number(firstSilence[1]) > 0.01) starts.unshift(0);
  return starts;
}

/** Peak (dBFS) and integrated loudness (LUFS) of the decoded audio. */
export async function audioLevels(file: string): Promise<{ peakDb: number; lufs: number }> {
  const { stderr } = await exec(DEBIAN_FFMPEG, [
    ...['-hide_banner', '-nostats', '-i', file, '-map', '0:a:0'],
    ...['-af', 'astats=measure_perchannel=none,ebur128', '-f', 'null', '-'],
  ]);
  const peak = [...stderr.matchAll(/Peak level dB: (-?[\d.]+|-inf)/g)].at(-1)?.[1];
  const lufs = [...stderr.matchAll(/I:\s+(-?[\d.]+) LUFS/g)].at(-1)?.[1];
  return { peakDb: Number(peak), lufs: Number(lufs) };
}

/** The subtitle track of an mp4 as WebVTT text. */
export async function subtitleTrackAsVtt(file: string): Promise<string> {
  const { stdout } = await exec(DEBIAN_FFMPEG, ['-v', 'error', '-i', file, '-map', '0:s:0', '-f', 'webvtt', '-']);
  return stdout;
}

/** Parse WebVTT cues into ms and text. */
export function parseVtt(text: string): { startMs: number; endMs: number; text: string }[] {
  const ms = (s: string) => {
    const parts = s.split(':').map(Number);
    while (parts.length < 3) parts.unshift(0);
    return Math.round(((parts[0]! * 60 + parts[1]!) * 60 + parts[2]!) * 1000);
  };
  const cues = [];
  for (const block of text.replace(/\r/g, '').split(/\n\n+/)) {
    const lines = block.split('\n').filter(Boolean);
    const timing = lines.findIndex((l) => l.includes('-->'));
    if (timing < 0) continue;
    const [a, b] = lines[timing]!.split('-->').map((s) => s.trim().split(' ')[0]!);
    cues.push({ startMs: ms(a!), endMs: ms(b!), text: lines.slice(timing + 1).join('\n') });
  }
  return cues;
}

/**
 * Decode a video to rgb24 at `width`x`height` and call `onFrame` with each frame, streaming (so
 * long videos do not sit in memory). `vf` adds filters before the scale (e.g. a crop).
 */
export async function eachFrame(
  file: string,
  size: { width: number; height: number },
  onFrame: (rgb: Buffer, index: number) => void,
): Promise<number> {
  const frameBytes = size.width * size.height * 3;
  const child = spawn(DEBIAN_FFMPEG, [
    ...['-v', 'error', '-i', file, '-map', '0:v:0'],
    ...['-vf', `scale=${size.width}:${size.height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
  ]);
  let pending = Buffer.alloc(0);
  let index = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= frameBytes) {
      onFrame(pending.subarray(0, frameBytes), index++);
      pending = pending.subarray(frameBytes);
    }
  });
  await new Promise<void>((resolve, reject) =>
    child.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`decode ${c}`)))),
  );
  return index;
}

/** Bounding box of strongly red pixels (the cursor) in an rgb24 frame, or undefined. */
export function redBox(
  rgb: Buffer,
  width: number,
): { x0: number; y0: number; x1: number; y1: number; count: number } | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  let count = 0;
  for (let i = 0; i < rgb.length; i += 3) {
    if (rgb[i]! > 170 && rgb[i + 1]! < 90 && rgb[i + 2]! < 90) {
      const p = i / 3;
      const x = p % width;
      const y = Math.floor(p / width);
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
      count++;
    }
  }
  return count ? { x0, y0, x1, y1, count } : undefined;
}
