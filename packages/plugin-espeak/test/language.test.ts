// The demo's language picks the voice: real synthesis with the engine's own voice list, no mocks.
import path from 'node:path';
import { isShowrunnerError, type ShowrunnerError, type SpeechInput } from '@showrunner/core';
import espeak, { languageVoice, listVoices, type VoiceCatalog } from '@showrunner/plugin-espeak';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Logged, readPcm, rms, stageContext, tempDir } from './helpers.js';

const ZH = '点击保存按钮，然后输入你的名字。';
let dir: string;
let live: VoiceCatalog;
let n = 0;
const plugins: ReturnType<typeof espeak>[] = [];

beforeAll(async () => {
  dir = await tempDir();
  live = await listVoices();
});
afterAll(() => Promise.all(plugins.map((p) => p.close?.())));

/** Speak one line; returns the plugin's report, the WAV's samples and what it logged. */
async function say(input: Omit<SpeechInput, 'file'>, options: Parameters<typeof espeak>[0] = {}) {
  const plugin = espeak(options);
  plugins.push(plugin);
  const logged: Logged[] = [];
  const file = path.join(dir, `clip-${n++}.wav`);
  const out = await plugin.run({ ...input, file }, stageContext(dir, logged));
  return { ...out, samples: (await readPcm(file)).samples, logged };
}

async function caught(fn: () => unknown): Promise<ShowrunnerError> {
  try {
    await fn();
  } catch (err) {
    if (isShowrunnerError(err)) return err;
    throw err;
  }
  throw new Error('expected a ShowrunnerError');
}

describe('language → voice', () => {
  it.each([
    ['zh', 'cmn'],
    ['zh-CN', 'cmn'],
    ['zh-Hans', 'cmn'],
    ['zh-Hant-TW', 'cmn'],
    ['cmn', 'cmn'],
    ['zh-HK', 'yue'],
    ['yue', 'yue'],
    ['pt-BR', 'pt-br'],
    ['pt', 'pt'],
    ['en-GB', 'en-gb'],
    ['en', 'en'],
    ['es', 'es'],
    ['es-MX', 'es-mx'],
    ['es-419', 'es-419'],
    ['de-AT', 'de'],
    ['ar', 'ar'],
    ['ar-EG', 'ar'],
    ['iw', 'he'],
    ['no', 'no'],
    ['fr-CA', 'fr'],
    ['ja', 'ja'],
  ])('%s → %s', (tag, code) => {
    expect(languageVoice(tag, live)).toBe(code);
  });

  it('covers every language the installed engine ships', () => {
    const primaries = new Set(live.voices.map((v) => v.languages[0]!.split('-')[0]!));
    for (const primary of primaries) expect(languageVoice(primary, live), primary).toBeDefined();
  });

  it('returns nothing for a language no voice speaks', () => {
    expect(languageVoice('tlh', live)).toBeUndefined();
    expect(languageVoice('fil-PH', live)).toBeUndefined();
  });
});

describe('speaking the demo language', () => {
  it('speaks Chinese with the cmn voice: loud audio, one timed word per character, punctuation kept', async () => {
    const clip = await say({ text: ZH, language: 'zh' });
    expect(clip.logged).toContainEqual({ level: 'debug', message: 'voice "cmn" for language "zh"' });
    expect(clip.logged.filter((l) => l.level === 'warn')).toEqual([]); // nothing left out
    expect(clip.durationMs).toBeCloseTo((clip.samples.length / clip.sampleRate) * 1000, 6);
    expect(clip.durationMs).toBeGreaterThan(1500); // 14 syllables (measured ≈ 3.5 s)
    expect(rms(clip.samples)).toBeGreaterThan(0.03);
    const words = clip.words ?? [];
    expect(words.map((w) => w.text).join('')).toBe(ZH);
    expect(words).toHaveLength(14);
    expect(words[1]!.text).toBe('击');
    expect(words[3]!.text).toBe('存');
    expect(words[5]!.text).toBe('钮，');
    for (const [i, w] of words.entries()) {
      expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
      if (i) expect(w.startMs).toBeGreaterThan(words[i - 1]!.startMs);
    }
    expect(words.at(-1)!.endMs).toBeLessThanOrEqual(clip.durationMs);
  });

  it('the same line with the default English voice leaves the Han characters out (why the language matters)', async () => {
    const clip = await say({ text: ZH });
    expect(clip.logged.some((l) => l.level === 'warn' && /Han/.test(l.message))).toBe(true);
    expect(clip.words ?? []).toEqual([]);
  });

  it('keeps Latin words whole inside Chinese and times them', async () => {
    const clip = await say({ text: '打开Settings页面', language: 'zh-CN' });
    expect((clip.words ?? []).map((w) => w.text)).toEqual(['打', '开', 'Settings', '页', '面']);
  });

  it('speaks Cantonese for zh-HK, Spanish and Arabic with their voices', async () => {
    const yue = await say({ text: ZH, language: 'zh-HK' });
    expect(yue.logged).toContainEqual({ level: 'debug', message: 'voice "yue" for language "zh-HK"' });
    const es = await say({ text: 'Haz clic en el botón Guardar.', language: 'es' });
    expect(es.logged).toContainEqual({ level: 'debug', message: 'voice "es" for language "es"' });
    const ar = await say({ text: 'انقر على زر الحفظ', language: 'ar' });
    expect(ar.logged).toContainEqual({ level: 'debug', message: 'voice "ar" for language "ar"' });
    expect((ar.words ?? []).map((w) => w.text)).toEqual(['انقر', 'على', 'زر', 'الحفظ']);
    for (const clip of [yue, es, ar]) expect(rms(clip.samples)).toBeGreaterThan(0.03);
  });

  it("keeps the plugin's voice when it speaks the language, and its variant when it does not", async () => {
    const same = await say({ text: 'Hello there.', language: 'en' }, { voice: 'en-gb+f3' });
    expect(same.logged.some((l) => l.message.startsWith('voice '))).toBe(false);
    const other = await say({ text: ZH, language: 'zh' }, { voice: 'en-gb+f3' });
    expect(other.logged).toContainEqual({ level: 'debug', message: 'voice "cmn+f3" for language "zh"' });
    const region = await say({ text: 'Hello there.', language: 'en-GB' });
    expect(region.logged).toContainEqual({ level: 'debug', message: 'voice "en-gb" for language "en-GB"' });
  });

  it("a demo's explicit voice wins over its language", async () => {
    const clip = await say({ text: 'Hola a todos.', language: 'es', voice: 'en-us' });
    expect(clip.logged.some((l) => l.message.startsWith('voice '))).toBe(false);
    const spanish = await say({ text: 'Hola a todos.', language: 'es' });
    expect(clip.samples).not.toEqual(spanish.samples);
  });

  it('a language no voice speaks fails with SR_TTS_LANGUAGE naming it, the line and close ones, even for a silent line', async () => {
    for (const text of ['Mabuhay!', '']) {
      const err = await caught(() => say({ text, language: 'fil-PH' }));
      expect(err.code).toBe('SR_TTS_LANGUAGE');
      expect(err.plugin).toBe('@showrunner/plugin-espeak');
      expect(err.field).toBe('language');
      expect(err.message).toContain('"fil-PH"');
      expect(err.message).toContain(JSON.stringify(text));
      expect(err.message).toMatch(/Close ones: .*\bfi\b/);
      expect(err.hint).toContain('cmn');
    }
  });
});
