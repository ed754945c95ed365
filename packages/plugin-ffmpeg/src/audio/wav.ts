/** Decoded PCM: samples mixed down to mono in -1..1, for analysis only (ffmpeg reads the file itself). */
export interface Pcm {
  sampleRate: number;
  channels: number;
  mono: Float32Array;
  durationMs: number;
}

/**
 * Decode a RIFF/WAVE file holding PCM (8/16/24/32-bit integer or 32/64-bit float, plain or
 * WAVE_FORMAT_EXTENSIBLE). Returns a reason string instead of throwing, so the caller can name
 * the step and file in its error. Called once per clip by the merge, serially.
 */
export function decodeWav(buf: Buffer): Pcm | string {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    return 'it has no RIFF/WAVE header';
  }
  let fmt: { tag: number; channels: number; sampleRate: number; bits: number } | undefined;
  for (let at = 12; at + 8 <= buf.length; ) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) return 'its fmt chunk is truncated';
      let tag = buf.readUInt16LE(body);
      if (tag === 0xfffe && size >= 26) tag = buf.readUInt16LE(body + 24); // extensible: sub-format GUID starts with the tag
      fmt = {
        tag,
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) return 'its data chunk comes before the fmt chunk';
      const bytes = Math.min(size, buf.length - body); // streamed WAVs may carry a bogus size
      return decodeSamples(buf.subarray(body, body + bytes), fmt);
    }
    at = body + size + (size % 2);
  }
  return fmt ? 'it has no data chunk' : 'it has no fmt chunk';
}

function decodeSamples(data: Buffer, fmt: { tag: number; channels: number; sampleRate: number; bits: number }): Pcm | string {
  const { tag, channels, sampleRate, bits } = fmt;
  if (channels < 1 || sampleRate < 1000) return `it declares ${channels} channel(s) at ${sampleRate} Hz`;
  const read = sampleReader(tag, bits);
  if (!read) return `its sample format (tag ${tag}, ${bits} bit) is not PCM`;
  const width = bits / 8;
  const frames = Math.floor(data.length / (width * channels));
  if (tag === 1 && bits === 16 && channels === 1) {
    // The common case (every Showrunner voice): one typed-array pass instead of a call per sample.
    const ints = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + frames * 2));
    const mono = new Float32Array(frames);
    for (let i = 0; i < frames; i++) mono[i] = ints[i]! / 32768;
    return { sampleRate, channels, mono, durationMs: (frames / sampleRate) * 1000 };
  }
  const mono = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(data, (i * channels + c) * width);
    mono[i] = sum / channels;
  }
  return { sampleRate, channels, mono, durationMs: (frames / sampleRate) * 1000 };
}

type Reader = (data: Buffer, offset: number) => number;

function sampleReader(tag: number, bits: number): Reader | undefined {
  if (tag === 1 && bits === 16) return (d, o) => d.readInt16LE(o) / 32768;
  if (tag === 1 && bits === 8) return (d, o) => (d.readUInt8(o) - 128) / 128;
  if (tag === 1 && bits === 24) return (d, o) => d.readIntLE(o, 3) / 8388608;
  if (tag === 1 && bits === 32) return (d, o) => d.readInt32LE(o) / 2147483648;
  if (tag === 3 && bits === 32) return (d, o) => d.readFloatLE(o);
  if (tag === 3 && bits === 64) return (d, o) => d.readDoubleLE(o);
  return undefined;
}
