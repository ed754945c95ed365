import type { Writable } from 'node:stream';
import { ShowrunnerError } from '@showrunner/core';
import { SAMPLE_RATE } from '../audio/mix.js';
import { type FfmpegProcess, startFfmpeg } from '../ffmpeg/spawn.js';
import { PLUGIN_NAME, type ResolvedOptions } from '../options.js';
import type { Looks } from './looks.js';

/** Files an encoder writes: one stream each (video, or the narration), muxed afterwards. */
export interface EncodedFiles {
  /** H.264 in mp4, or AAC in m4a. */
  mp4: string;
  /** VP9, or Opus (Vorbis), in WebM: when a WebM is made. */
  webm?: string;
}

/**
 * One lossy encode of a merge. The video encoder is a single ffmpeg that reads raw yuv420p frames on
 * stdin at the output rate (constant by construction: every output frame, repeats included, is a
 * frame of the stream) and writes H.264 (and VP9 for the WebM) from the same frames; the audio
 * encoder reads raw PCM and writes AAC (and Opus). Segments, each its own ffmpeg that decodes and
 * filters a stretch of frames or samples, write into its stdin one after the other; their filters are
 * lossless, so cutting the video into segments changes no pixel. Used serially.
 */
export class Encoder {
  private readonly process: FfmpegProcess;
  private readonly input: Writable;
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;
  private readonly nice?: number;
  private readonly log?: (line: string) => void;
  private failure?: unknown;
  /** Frames written so far. */
  frames = 0;

  private constructor(bin: string, args: string[], what: string, signal: AbortSignal, extra: Extra) {
    this.signal = AbortSignal.any([signal, this.stop.signal]);
    this.nice = extra.nice;
    this.log = extra.log;
    this.log?.(`ffmpeg ${args.join(' ')}`);
    this.process = startFfmpeg({
      bin,
      args,
      what,
      signal: this.signal,
      stdin: 'pipe',
      nice: extra.nice,
      onProgress: extra.onProgress,
      onSpawn: extra.onSpawn,
    });
    this.input = this.process.stdin!;
    this.process.done.catch((err: unknown) => {
      this.failure ??= err;
      this.stop.abort(err);
    });
  }

  static video(looks: Looks, options: ResolvedOptions, files: EncodedFiles, signal: AbortSignal, extra: Extra = {}): Encoder {
    return new Encoder(looks.bin, videoArgs(looks, options, files), 'the video', signal, extra);
  }

  static audio(looks: Looks, options: ResolvedOptions, files: EncodedFiles, signal: AbortSignal, extra: Extra = {}): Encoder {
    return new Encoder(looks.bin, audioArgs(looks, options, files), 'the narration track', signal, extra);
  }

  /** Run one segment's ffmpeg (arguments ending in raw frames or samples to stdout) into the encoder; `frames` counts them. */
  async add(bin: string, args: string[], what: string, frames: number): Promise<void> {
    if (this.failure) throw this.failure;
    this.log?.(`ffmpeg ${args.join(' ')}`);
    const segment = startFfmpeg({ bin, args, what, signal: this.signal, stdout: this.input, nice: this.nice });
    try {
      await segment.done;
    } catch (err) {
      throw this.failure ?? err;
    }
    this.frames += frames;
  }

  /** No more frames: wait for the encoder to write its files. */
  async finish(): Promise<void> {
    this.input.end();
    await this.process.done;
  }

  /** Give up: the encoder is killed and its files are incomplete. */
  async abort(): Promise<void> {
    this.stop.abort(new ShowrunnerError('SR_ABORTED', 'The encode was stopped.', { stage: 'merge', plugin: PLUGIN_NAME }));
    this.input.destroy();
    await this.process.done.catch(() => {});
  }
}

interface Extra {
  nice?: number;
  /** Where each ffmpeg command line goes (the merge's debug log). */
  log?: (line: string) => void;
  onProgress?: (ms: number) => void;
  onSpawn?: (pid: number) => void;
}

function videoArgs(looks: Looks, options: ResolvedOptions, files: EncodedFiles): string[] {
  const { width, height } = looks.size;
  const fps = String(looks.fps);
  const input = ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-framerate', fps, '-i', 'pipe:0'];
  const mp4 = [
    ...['-map', '0:v', '-c:v', 'libx264', '-preset', options.preset, '-crf', String(options.crf)],
    ...(options.tune === 'none' ? [] : ['-tune', options.tune]),
    ...['-profile:v', 'high', '-pix_fmt', 'yuv420p'],
    ...['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'],
    ...['-f', 'mp4', files.mp4],
  ];
  const webm =
    looks.webm && files.webm
      ? [
          ...['-map', '0:v', '-c:v', 'libvpx-vp9', '-crf', String(looks.webm.crf), '-b:v', '0', '-deadline', 'realtime'],
          ...['-cpu-used', '8', '-row-mt', '1', '-pix_fmt', 'yuv420p', '-f', 'webm', files.webm],
        ]
      : [];
  return [...input, ...mp4, ...webm];
}

function audioArgs(looks: Looks, options: ResolvedOptions, files: EncodedFiles): string[] {
  const channels = String(options.audioChannels);
  const input = ['-f', 'f32le', '-ar', String(SAMPLE_RATE), '-ac', channels, '-i', 'pipe:0'];
  const m4a = [
    ...['-map', '0:a', '-c:a', 'aac', '-aac_coder', options.aacCoder, '-b:a', `${options.audioBitrate}k`],
    ...['-ar', String(SAMPLE_RATE), '-ac', channels, '-f', 'mp4', files.mp4],
  ];
  const opus = looks.caps.encoders.has('libopus');
  const webm = files.webm
    ? [
        '-map',
        '0:a',
        ...(opus ? ['-c:a', 'libopus', '-b:a', '96k'] : ['-c:a', 'libvorbis', '-q:a', '4']),
        '-ac',
        channels,
        '-f',
        'webm',
        files.webm,
      ]
    : [];
  return [...input, ...m4a, ...webm];
}
