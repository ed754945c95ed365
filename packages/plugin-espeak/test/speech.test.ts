// Real synthesis with eSpeak NG (WASM), no mocks: the clips are measured from the WAV files.
import path from 'node:path';
import { readWavInfo, type SpeechOutput } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPcm, rms, stageContext, tempDir } from './helpers.js';

const ONE = 'Click the Deploy button to publish your app.';
const TWO = `${ONE} The build takes about a minute, and then your site is live.`;
const FOUR = `${TWO} You can watch the logs while it runs. When it is done, open the link to see it.`;

const voice = espeak();
let dir: string;
let n = 0;

/** Synthesize one line with `plugin` into a fresh file; returns what it reported and the file. */
async function say(text: string, plugin = voice, demoVoice?: string): Promise<SpeechOutput & { file: string }> {
  const file = path.join(dir, `clip-${n++}.wav`);
  const out = await plugin.run({ text, voice: demoVoice, file }, stageContext(dir));
  return { ...out, file };
}

beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => voice.close?.());

describe('espeak produces real speech', () => {
  it('writes a 16-bit mono WAV whose header matches the declared sample rate and duration', async () => {
    const clip = await say(ONE);
    const wav = await readPcm(clip.file);
    expect(wav).toMatchObject({ format: 1, channels: 1, bits: 16, sampleRate: clip.sampleRate });
    expect(clip.sampleRate).toBe(22_050);
    expect(clip.durationMs).toBeCloseTo((wav.samples.length / wav.sampleRate) * 1000, 6);
    expect((await readWavInfo(clip.file)).durationMs).toBeCloseTo(clip.durationMs, 6);
  });

  it('is loud enough to be speech, with pauses quieter than words', async () => {
    const clip = await say(TWO);
    const { samples, sampleRate } = await readPcm(clip.file);
    expect(rms(samples)).toBeGreaterThan(0.03); // measured ≈ 0.08; silence is 0
    const words = clip.words ?? [];
    const first = words[0]!;
    const inWord = rms(samples, Math.floor((first.startMs / 1000) * sampleRate), Math.floor((first.endMs / 1000) * sampleRate));
    expect(inWord).toBeGreaterThan(0.03);
    // The sentence break after "app." is a real pause.
    const app = words.findIndex((w) => w.text === 'app.');
    const gap = [words[app]!.endMs, words[app + 1]!.startMs].map((ms) => Math.floor((ms / 1000) * sampleRate));
    expect(gap[1]! - gap[0]!).toBeGreaterThan(0.1 * sampleRate);
    expect(rms(samples, gap[0], gap[1])).toBeLessThan(inWord / 5);
  });

  it('takes longer for longer text, about in proportion', async () => {
    const [one, two, four] = [await say(ONE), await say(TWO), await say(FOUR)];
    expect(one.durationMs).toBeGreaterThan(1500);
    expect(two.durationMs).toBeGreaterThan(one.durationMs * 1.6);
    expect(four.durationMs).toBeGreaterThan(two.durationMs * 1.6);
    // About 175 words per minute, plus pauses: 38 words in 9–18 s.
    expect(FOUR.split(' ')).toHaveLength(38);
    expect(four.durationMs).toBeGreaterThan(9_000);
    expect(four.durationMs).toBeLessThan(18_000);
  });

  it('times every written word, in order and inside the clip', async () => {
    const clip = await say(FOUR);
    const words = clip.words ?? [];
    expect(words.map((w) => w.text)).toEqual(FOUR.split(' '));
    let previousEnd = 0;
    for (const w of words) {
      expect(w.startMs).toBeGreaterThanOrEqual(previousEnd);
      expect(w.endMs).toBeGreaterThan(w.startMs);
      expect(w.endMs).toBeLessThanOrEqual(clip.durationMs);
      previousEnd = w.endMs;
    }
    expect(words.at(-1)!.endMs).toBeGreaterThan(clip.durationMs - 400);
  });

  it('follows rate, speed, pitch and voice options, and each changes the fingerprint', async () => {
    const base = await say(TWO);
    const fast = espeak({ speed: 2 });
    const slow = espeak({ rate: 100 });
    const high = espeak({ pitch: 90 });
    try {
      const [f, s, h] = [await say(TWO, fast), await say(TWO, slow), await say(TWO, high)];
      expect(f.durationMs).toBeLessThan(base.durationMs * 0.65);
      expect(s.durationMs).toBeGreaterThan(base.durationMs * 1.4);
      expect(Math.abs(h.durationMs - base.durationMs)).toBeLessThan(50); // same timing, higher voice
      expect(await pitchOf(h)).toBeGreaterThan((await pitchOf(base)) * 1.2);
      const prints = new Set(
        [voice, fast, slow, high, espeak({ voice: 'en-gb' }), espeak({ emoji: 'speak' })].map((p) => p.fingerprint),
      );
      expect(prints.size).toBe(6);
      expect(espeak({ speed: 1 }).fingerprint).toBe(voice.fingerprint); // speed 1 is rate 175
    } finally {
      await Promise.all([fast, slow, high].map((p) => p.close?.()));
    }
  });

  it("speaks a demo's own voice, including variants", async () => {
    const us = await say(TWO);
    const gb = await say(TWO, voice, 'en-gb');
    const female = await say(TWO, voice, 'en-gb+f3');
    expect(Math.abs(gb.durationMs - us.durationMs)).toBeGreaterThan(50); // another accent, another rhythm
    expect(await pitchOf(female)).toBeGreaterThan((await pitchOf(gb)) * 1.3); // a female variant
    expect(Math.abs((await say(TWO)).durationMs - us.durationMs)).toBeLessThan(15); // and back to the default
  });

  it('works again after close()', async () => {
    const plugin = espeak();
    const before = await say(ONE, plugin);
    await plugin.close?.();
    const after = await say(ONE, plugin);
    expect(Math.abs(after.durationMs - before.durationMs)).toBeLessThan(10); // eSpeak adds a little randomness
    await plugin.close?.();
  });

  it('stops before synthesizing when the run is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const file = path.join(dir, 'cancelled.wav');
    await expect(voice.run({ text: ONE, file }, stageContext(dir, [], controller.signal))).rejects.toMatchObject({
      code: 'SR_ABORTED',
      plugin: '@showrunner/plugin-espeak',
    });
  });
});

/** Median voice pitch (Hz) of a clip, by autocorrelation over its loud 40 ms frames. */
async function pitchOf(clip: { file: string }): Promise<number> {
  const { samples, sampleRate } = await readPcm(clip.file);
  const size = Math.round(0.04 * sampleRate);
  const [minLag, maxLag] = [Math.floor(sampleRate / 400), Math.ceil(sampleRate / 60)];
  const pitches: number[] = [];
  for (let at = 0; at + size + maxLag < samples.length; at += size) {
    if (rms(samples, at, at + size) < 0.05) continue;
    let best = { lag: 0, score: 0 };
    for (let lag = minLag; lag <= maxLag; lag++) {
      let score = 0;
      for (let i = at; i < at + size; i++) score += samples[i]! * samples[i + lag]!;
      if (score > best.score) best = { lag, score };
    }
    if (best.lag) pitches.push(sampleRate / best.lag);
  }
  pitches.sort((a, b) => a - b);
  return pitches[Math.floor(pitches.length / 2)] ?? 0;
}
