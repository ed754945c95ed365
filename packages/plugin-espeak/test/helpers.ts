// Shared by the espeak tests: a stage context for calling the plugin directly, and WAV measurements.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPolicy, type StageContext } from '@showrunner/core';

export const tempDir = () => mkdtemp(path.join(tmpdir(), 'sr-espeak-'));

/** What a plugin logged through its context. */
export interface Logged {
  level: 'debug' | 'info' | 'warn';
  message: string;
}

/**
 * The context core hands a tts plugin, built by hand so a test can call `run` for one clip (the
 * cache test goes through core's runStage instead). Several simulated runs each get their own `runId`.
 */
export function stageContext(
  dir: string,
  logged: Logged[] = [],
  signal = new AbortController().signal,
  runId = 'test-run',
): StageContext {
  return {
    runId,
    stage: 'tts',
    runDir: dir,
    dir,
    root: dir,
    cacheDir: path.join(dir, 'cache'),
    signal,
    policy: createPolicy(),
    log: {
      debug: (message) => logged.push({ level: 'debug', message }),
      info: (message) => logged.push({ level: 'info', message }),
      warn: (message) => logged.push({ level: 'warn', message }),
    },
    emit: async () => {},
    resolve: (runPath) => path.resolve(dir, runPath),
    artifact: async (file) => path.relative(dir, file),
  };
}

/** Header fields and samples of a 16-bit mono PCM WAV written by encodeWav/writeSilence. */
export async function readPcm(
  file: string,
): Promise<{ format: number; channels: number; sampleRate: number; bits: number; samples: Int16Array }> {
  const buf = await readFile(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 36, 40) !== 'data')
    throw new Error(`${file}: not a plain WAV`);
  const bytes = buf.readUInt32LE(40);
  const samples = new Int16Array(bytes / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(44 + i * 2);
  return {
    format: buf.readUInt16LE(20),
    channels: buf.readUInt16LE(22),
    sampleRate: buf.readUInt32LE(24),
    bits: buf.readUInt16LE(34),
    samples,
  };
}

/** Root mean square, 0..1 of full scale. */
export function rms(samples: Int16Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i]! / 32768) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}
