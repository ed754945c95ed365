import { readFile, writeFile } from 'node:fs/promises';
import { ShowrunnerError } from '../errors.js';

/** Facts about a PCM WAV file, read from its header and data size. */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel. */
  frames: number;
  durationMs: number;
}

/**
 * Encode mono samples as a 16-bit PCM WAV. Float input (-1..1, as ONNX voices produce) is clamped
 * and scaled; Int16 input is written as is. Used by tts plugins, which must write 16-bit WAV.
 */
export function encodeWav(samples: Float32Array | Int16Array, sampleRate: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] ?? 0;
    const v = samples instanceof Int16Array ? s : Math.round(Math.max(-1, Math.min(1, s)) * 32767);
    data.writeInt16LE(v, i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Write `ms` of silence as a 16-bit mono WAV. */
export async function writeSilence(file: string, ms: number, sampleRate = 24_000): Promise<WavInfo> {
  const frames = Math.round((ms / 1000) * sampleRate);
  await writeFile(file, encodeWav(new Int16Array(frames), sampleRate));
  return { sampleRate, channels: 1, bitsPerSample: 16, frames, durationMs: (frames / sampleRate) * 1000 };
}

/** Read a WAV header (walking chunks, so LIST/fact chunks are fine). Throws SR_FILE_UNREADABLE if it is not WAV. */
export async function readWavInfo(file: string): Promise<WavInfo> {
  const buf = await readFile(file);
  const bad = (why: string) => new ShowrunnerError('SR_FILE_UNREADABLE', `${file} is not a usable WAV file: ${why}`, { file });
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad('no RIFF/WAVE header');
  }
  let fmt: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  for (let at = 12; at + 8 <= buf.length; ) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      fmt = {
        channels: buf.readUInt16LE(at + 10),
        sampleRate: buf.readUInt32LE(at + 12),
        bitsPerSample: buf.readUInt16LE(at + 22),
      };
    } else if (id === 'data') {
      if (!fmt) throw bad('data chunk before fmt chunk');
      const bytes = Math.min(size, buf.length - at - 8); // streamed WAVs may carry a bogus size
      const frames = Math.floor(bytes / ((fmt.bitsPerSample / 8) * fmt.channels));
      return { ...fmt, frames, durationMs: (frames / fmt.sampleRate) * 1000 };
    }
    at += 8 + size + (size % 2);
  }
  throw bad('no data chunk');
}
