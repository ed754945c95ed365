// Voice names and options: checked when the config loads and, for a demo's voice, before each clip.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isShowrunnerError, type ShowrunnerError } from '@showrunner/core';
import espeak, { listVoices, type VoiceCatalog } from '@showrunner/plugin-espeak';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageContext, tempDir } from './helpers.js';

let live: VoiceCatalog;

beforeAll(async () => {
  live = await listVoices();
});

/** The ShowrunnerError `fn` throws (sync or async). */
async function caught(fn: () => unknown): Promise<ShowrunnerError> {
  try {
    await fn();
  } catch (err) {
    if (isShowrunnerError(err)) return err;
    throw err;
  }
  throw new Error('expected a ShowrunnerError');
}

describe('voices', () => {
  it("lists the engine's 140 voices and its variants", () => {
    expect(live.voices.length).toBe(140);
    expect(live.voices.find((v) => v.languages.includes('en-us'))).toMatchObject({ id: 'gmw/en-US', name: 'English (America)' });
    expect(live.variants).toEqual(expect.arrayContaining(['f1', 'f3', 'm3', 'klatt']));
  });

  it('the bundled voice list matches the engine (npm run voices regenerates it)', async () => {
    const bundled = await readFile(new URL('../src/voice-list.ts', import.meta.url), 'utf8');
    const ids = [...bundled.matchAll(/\bid: ['"]([^'"]+)['"]/g)].map((m) => m[1]);
    expect(ids).toEqual(live.voices.map((v) => v.id));
    const variants = bundled.slice(bundled.indexOf('variants:'));
    for (const variant of live.variants) expect(variants).toMatch(new RegExp(`['"]${variant}['"]`));
  });

  it('was built against the installed engine version (part of every cache key)', async () => {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(await readFile(require.resolve('@echogarden/espeak-ng-emscripten/package.json'), 'utf8'));
    expect(JSON.parse(espeak().fingerprint).engine).toBe(`espeak-ng-emscripten@${pkg.version}`);
  });

  it('accepts language codes, voice files and variants in any case, and spells them one way', () => {
    const voiceOf = (voice: string) => JSON.parse(espeak({ voice }).fingerprint).voice;
    expect(voiceOf('en-us')).toBe('en-us');
    expect(voiceOf('EN_us')).toBe('en-us');
    expect(voiceOf('gmw/en-us')).toBe('gmw/en-US');
    expect(voiceOf('en-GB+F3')).toBe('en-gb+f3');
    expect(voiceOf('de')).toBe('de');
  });

  it('rejects an unknown voice when the config loads, listing the valid ones', async () => {
    const err = await caught(() => espeak({ voice: 'en-uk' }));
    expect(err.code).toBe('SR_TTS_VOICE_UNKNOWN');
    expect(err.plugin).toBe('@showrunner/plugin-espeak');
    expect(err.field).toBe('voice');
    expect(err.isUsage).toBe(true);
    expect(err.message).toMatch(/Unknown eSpeak NG voice "en-uk"\. Did you mean "en-us" or "en-gb"\?/);
    expect(err.message).toContain('Valid voices: af, am, an,');
    for (const code of ['en-us', 'en-gb', 'de', 'fr-fr', 'cmn', 'ru']) expect(err.message).toContain(` ${code},`);
    expect(err.hint).toMatch(/language code/);
  });

  it('rejects an unknown variant, listing the variants', async () => {
    const err = await caught(() => espeak({ voice: 'en-us+robot' }));
    expect(err.code).toBe('SR_TTS_VOICE_UNKNOWN');
    expect(err.message).toContain('Unknown eSpeak NG voice variant "+robot"');
    expect(err.message).toMatch(/Valid variants: .*\bf3\b.*\bm3\b/);
  });

  it("rejects a demo's unknown voice at run time, even for a silent step", async () => {
    const dir = await tempDir();
    const plugin = espeak();
    for (const text of ['Hello there.', '']) {
      const err = await caught(() => plugin.run({ text, voice: 'af_heart', file: path.join(dir, 'x.wav') }, stageContext(dir)));
      expect(err.code).toBe('SR_TTS_VOICE_UNKNOWN');
      expect(err.message).toContain('Unknown eSpeak NG voice "af_heart".');
      expect(err.message).toContain('en-us');
      expect(err.field).toBe('voice');
    }
    await plugin.close?.();
  });

  it('rejects bad options with SR_CONFIG_INVALID naming the option', async () => {
    const cases: [Record<string, unknown>, string | undefined, RegExp][] = [
      [{ rate: 20 }, 'rate', /rate/],
      [{ speed: 5 }, 'speed', /speed/],
      [{ rate: 150, speed: 1.2 }, 'speed', /either rate .* or speed/],
      [{ pitch: 101 }, 'pitch', /pitch/],
      [{ emoji: 'read' }, 'emoji', /emoji/],
      [{ model: 'x' }, 'model', /Unrecognized key: "model"/],
    ];
    for (const [options, field, message] of cases) {
      const err = await caught(() => espeak(options as never));
      expect(err.code).toBe('SR_CONFIG_INVALID');
      expect(err.plugin).toBe('@showrunner/plugin-espeak');
      expect(err.field).toBe(field);
      expect(err.message).toMatch(message);
    }
  });
});
