// Narration the model cannot take as is: text past Kokoro's 512-token window, emoji, other scripts,
// nothing speakable at all. Run through the real kokoro-js path on the stand-in, offline.
import path from 'node:path';
import { readWavInfo, SILENT_CLIP_MS, type StageContext, type TtsPlugin } from '@showrunner/core';
import kokoro from '@showrunner/plugin-kokoro';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forbidNetwork, type LogLines, removeTempDirs, tempDir, testContext } from './helpers/context.js';
import { type Oracle, oracle } from './helpers/oracle.js';
import { buildKokoroStandin, SAMPLE_RATE, SAMPLES_PER_TOKEN } from './helpers/standin.js';

let ctx: StageContext;
let logs: LogLines;
let plugin: TtsPlugin;
let net: ReturnType<typeof forbidNetwork>;
let expected: Oracle;
let n = 0;

/** Speak `text` and return the clip's frame count and what run() reported. */
async function say(text: string, voice?: string) {
  const file = path.join(ctx.dir, `clip-${n++}.wav`);
  logs.length = 0;
  const out = await plugin.run({ text, voice, file }, ctx);
  const wav = await readWavInfo(file);
  expect(wav).toMatchObject({ sampleRate: SAMPLE_RATE, bitsPerSample: 16, channels: 1 });
  expect(out.durationMs).toBe(wav.durationMs);
  return { frames: wav.frames, tokens: wav.frames / SAMPLES_PER_TOKEN, ...out };
}

beforeAll(async () => {
  net = forbidNetwork();
  const root = await tempDir();
  buildKokoroStandin(path.join(root, 'weights'));
  logs = [];
  ctx = await testContext(root, logs);
  plugin = kokoro({ modelDir: 'weights', allowDownload: false });
  await say('Warm up.');
  expected = await oracle(path.join(root, 'weights'));
});
afterAll(async () => {
  await plugin.close?.();
  await removeTempDirs();
  net.restore();
  expect(net.calls).toEqual([]);
});

describe('long narration', () => {
  it('is spoken sentence by sentence and concatenated, nothing cut at 512 tokens', async () => {
    const sentence = 'Click Deploy, and your app is live.';
    const text = Array(30).fill(sentence).join(' ');
    const [one] = await expected.tokens(sentence);
    const whole = (await expected.tokens(text)).reduce((a, b) => a + b, 0);
    expect(whole).toBeGreaterThan(512 * 2); // one model call would keep only the first 512 tokens
    const clip = await say(text);
    expect(clip.frames).toBe(30 * one! * SAMPLES_PER_TOKEN);
  });

  it('splits one over-long sentence at clause breaks, even when only its phonemes are too long', async () => {
    // 160 characters that phonemize to over 600 phonemes: numbers expand.
    const text =
      'Last year we served 1,234,567 requests, 2,345,678 sessions, 3,456,789 uploads, 4,567,890 downloads, 5,678,901 builds, 6,789,012 deploys and 7,890,123 rollbacks.';
    const [whole] = await expected.tokens(text);
    expect(whole).toBeGreaterThan(600);
    const clip = await say(text);
    expect(logs.some((l) => /debug: Splitting a \d+-phoneme piece/.test(l))).toBe(true);
    expect(Number.isInteger(clip.tokens)).toBe(true);
    // every phoneme is spoken; each extra piece costs its two pads and may drop one space
    expect(clip.tokens).toBeGreaterThanOrEqual(whole!);
    expect(clip.tokens).toBeLessThan(whole! + 12);
  });

  it('splits a long run-on text without sentence ends into pieces', async () => {
    const text = `${'word, '.repeat(150)}end.`;
    const [whole] = await expected.tokens(text);
    const clip = await say(text);
    expect(whole).toBeGreaterThan(512 * 2);
    expect(clip.tokens).toBeGreaterThanOrEqual(whole!);
    expect(clip.tokens).toBeLessThan(whole! + 16);
  });
});

describe('characters the voice cannot speak', () => {
  it('drops emoji (with skin tones and joiners) and says so, keeping the words', async () => {
    const clip = await say('Ship it 🚀👍🏽 👩‍💻 today!');
    expect(clip.frames).toBe(await expected.samples('Ship it today!'));
    expect(logs.find((l) => l.startsWith('warn:'))).toMatch(/Left out characters Kokoro cannot speak: 🚀 👍 🏽 👩 💻/);
  });

  it('drops scripts the English voices cannot read, and normalises full-width letters', async () => {
    const clip = await say('Open ﬁles in 中文 mode on Ｍａｃ.');
    expect(clip.frames).toBe(await expected.samples('Open files in mode on Mac.'));
  });

  it('reads keycap digits as digits and keeps © ® ™', async () => {
    expect((await say('Step 1️⃣ done.')).frames).toBe(await expected.samples('Step 1 done.'));
    expect((await say('Acme™ ©2024.')).frames).toBe(await expected.samples('AcmeTM ©2024.'));
  });

  it('does not hang on a newline after an @mention or a URL (a kokoro-js 1.2.1 splitter loop)', async () => {
    const clip = await say('Ping @bob\nthen visit http://x.io\nnow.');
    expect(clip.tokens).toBeGreaterThan(10);
  });
});

describe('nothing to say', () => {
  it.each([[''], ['   '], ['🎉🎉'], ['\n\t'], ['!!! …']])('%j becomes a silent clip of the standard length', async (text) => {
    const clip = await say(text);
    expect(clip.durationMs).toBe(SILENT_CLIP_MS);
    expect(clip.sampleRate).toBe(SAMPLE_RATE);
  });
});
