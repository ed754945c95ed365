// Bad and odd narration: silence for nothing to say, no noise for emoji or foreign scripts, no crash.
import path from 'node:path';
import { SILENT_CLIP_MS, type SpeechOutput } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Logged, readPcm, rms, stageContext, tempDir } from './helpers.js';

const voice = espeak();
let dir: string;
let n = 0;

async function say(text: string, plugin = voice, logged: Logged[] = []): Promise<SpeechOutput & { file: string }> {
  const file = path.join(dir, `clip-${n++}.wav`);
  return { ...(await plugin.run({ text, file }, stageContext(dir, logged))), file };
}

/** Durations of the same words said with and without extra characters differ by under `ms`. */
const sameLength = (a: SpeechOutput, b: SpeechOutput, ms = 60) => expect(Math.abs(a.durationMs - b.durationMs)).toBeLessThan(ms);

beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => voice.close?.());

describe('narration with nothing to say', () => {
  it.each([
    ['empty', ''],
    ['whitespace', '  \n\t '],
    ['only emoji', '🚀 ✨👍🏽'],
    ['only punctuation', '... — !'],
    ['only an escaped character', '<'],
  ])('%s text gives a silent clip of the set length', async (_, text) => {
    const clip = await say(text);
    const wav = await readPcm(clip.file);
    expect(clip.durationMs).toBe(SILENT_CLIP_MS);
    expect((wav.samples.length / wav.sampleRate) * 1000).toBe(SILENT_CLIP_MS);
    expect(wav.sampleRate).toBe(clip.sampleRate);
    expect(rms(wav.samples)).toBe(0);
    expect(clip.words).toBeUndefined();
  });
});

describe('characters the voice cannot say', () => {
  it('leaves emoji out: same speech, no "rocket", no crash', async () => {
    const plain = await say('Click Deploy now!');
    const emoji = await say('Click 🚀 Deploy 😀 now! 👍🏽🇺🇸');
    sameLength(emoji, plain);
    expect(emoji.words?.map((w) => w.text)).toEqual(['Click', 'Deploy', 'now!']);
  });

  it('can speak emoji names instead, when asked', async () => {
    const speaking = espeak({ emoji: 'speak' });
    try {
      const plain = await say('Click Deploy now!', speaking);
      const named = await say('Click 🚀 Deploy now!', speaking);
      expect(named.durationMs).toBeGreaterThan(plain.durationMs + 200); // "rocket"
      expect(named.words?.map((w) => w.text)).toEqual(['Click', '🚀', 'Deploy', 'now!']);
    } finally {
      await speaking.close?.();
    }
  });

  it('leaves out scripts the voice would only name letter by letter, and says so', async () => {
    const logged: Logged[] = [];
    const plain = await say('Open the settings page.');
    const mixed = await say('Open the 设置 settings Настройки page.', voice, logged);
    sameLength(mixed, plain);
    expect(mixed.words?.map((w) => w.text)).toEqual(['Open', 'the', 'settings', 'page.']);
    const warning = logged.find((l) => l.level === 'warn')?.message;
    expect(warning).toMatch(/2 Han characters, 9 Cyrillic characters that voice "en-us" cannot read/);
  });

  it('gives silence, with a warning, for a line only in scripts the voice cannot read', async () => {
    const logged: Logged[] = [];
    const clip = await say('שלום 世界 مرحبا สวัสดี こんにちは', voice, logged);
    expect(clip.durationMs).toBe(SILENT_CLIP_MS);
    expect(logged.find((l) => l.level === 'warn')?.message).toMatch(/Hebrew.*Han.*Arabic.*Thai.*Hiragana/);
  });

  it('reads a script with a voice that knows it (a demo voice per line)', async () => {
    const cases: [string, string, string[]][] = [
      ['ru', 'Откройте настройки.', ['Откройте', 'настройки.']],
      ['cmn', '打开设置。', ['打', '开', '设', '置。']],
      ['he', 'פתח את ההגדרות', ['פתח', 'את', 'ההגדרות']],
    ];
    for (const [demoVoice, text, words] of cases) {
      const logged: Logged[] = [];
      const file = path.join(dir, `clip-${n++}.wav`);
      const clip = await voice.run({ text, voice: demoVoice, file }, stageContext(dir, logged));
      expect(clip.durationMs).toBeGreaterThan(700);
      expect(rms((await readPcm(file)).samples)).toBeGreaterThan(0.03);
      expect(clip.words?.map((w) => w.text)).toEqual(words);
      expect(logged.filter((l) => l.level === 'warn')).toEqual([]);
    }
  });

  it('drops markdown emphasis instead of saying "asterisk"', async () => {
    const plain = await say('Click Save, then run setup.');
    const marked = await say('Click **Save**, then run `setup`.');
    sameLength(marked, plain);
    expect(marked.words?.map((w) => w.text)).toEqual(['Click', 'Save,', 'then', 'run', 'setup.']);
    // snake_case and arithmetic keep their characters
    expect((await say('Set max_users to 2 * 3.')).words?.map((w) => w.text)).toEqual(['Set', 'max_users', 'to', '2', '*', '3.']);
  });

  it('reads SSML-like text, entities and eSpeak phoneme brackets as plain text', async () => {
    const clip = await say('AT&T said <b>hello</b> & [[h@l]] 5 > 3 &amp; done');
    expect(clip.durationMs).toBeGreaterThan(2000);
    const texts = clip.words?.map((w) => w.text) ?? [];
    expect(texts.slice(0, 3)).toEqual(['AT&T', 'said', '<b>hello</b>']);
    expect(texts).toContain('done');
    expect(texts).toContain('[h@l]'); // "[[" would have switched eSpeak NG to phoneme input
  });

  it('survives control, zero-width and private-use characters, stray surrogates and fancy letters', async () => {
    const plain = await say('Deploy full app now 1');
    const odd = await say('De\u200bploy\u0007 ｆｕｌｌ\u00ad 𝐚𝐩𝐩\ufeff now\uD83D ① ⠃⠗ \uE000');
    sameLength(odd, plain, 80);
    expect(odd.words?.map((w) => w.text)).toEqual(['Deploy', 'ｆｕｌｌ', '𝐚𝐩𝐩', 'now', '①']);
  });
});

describe('long narration', () => {
  it('synthesizes a 1,000-word line in one clip with every word timed', async () => {
    const sentence = 'This sentence is part of a very long narration about deploying the app, and it keeps going.';
    const perSentence = sentence.split(' ').length; // 17
    const text = Array.from({ length: 60 }, () => sentence).join(' ');
    const started = performance.now();
    const clip = await say(text);
    const seconds = (performance.now() - started) / 1000;
    expect(clip.words).toHaveLength(60 * perSentence);
    expect(clip.durationMs / 1000).toBeGreaterThan(5 * 60); // over five minutes of speech
    expect(seconds).toBeLessThan(30);
    const last = clip.words!.at(-1)!;
    expect(last.text).toBe('going.');
    expect(last.endMs).toBeGreaterThan(clip.durationMs - 500);
  });
});
