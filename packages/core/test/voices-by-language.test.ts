// voicesByLanguage: one tts slot with a voice per language, run through core's real pipeline.
import {
  createRun,
  definePlugin,
  parseDemo,
  resolveConfig,
  runPipeline,
  ShowrunnerError,
  type TtsPlugin,
  voicesByLanguage,
} from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

/** A hum that notes which voice spoke which line, and which runs it was asked to release. */
function voice(name: string, heard: string[], released: string[] = []): TtsPlugin {
  const hum = humTts();
  return definePlugin({
    name,
    stage: 'tts',
    fingerprint: `${name}-v1`,
    async run(input, ctx) {
      heard.push(`${name}:${input.language ?? '-'}:${input.text}`);
      return hum.run(input, ctx);
    },
    async release(runId) {
      released.push(`${name}:${runId}`);
    },
  });
}

const demo = (language?: string) =>
  parseDemo({ url: 'http://localhost:9/', language, steps: [{ action: 'click', target: { name: 'Go' }, narration: 'Line.' }] });

async function speak(tts: TtsPlugin, language?: string) {
  const config = await resolveConfig({ tts, record: paperRecorder(), merge: listMerge() }, { root: await tempDir('sr-voices-') });
  return runPipeline(config, await createRun(config.runsDir, { demo: demo(language) }));
}

describe('voicesByLanguage', () => {
  it('hands each language to its voice: exact tag, then primary language, then *', async () => {
    const heard: string[] = [];
    const released: string[] = [];
    const tts = voicesByLanguage({
      en: voice('english', heard, released),
      'pt-BR': voice('brazil', heard),
      '*': voice('rest', heard),
    });
    for (const language of [undefined, 'en-GB', 'pt-BR', 'pt', 'zh']) await speak(tts, language);
    expect(heard).toEqual(['english:-:Line.', 'english:en-GB:Line.', 'brazil:pt-BR:Line.', 'rest:pt:Line.', 'rest:zh:Line.']);
    expect(released).toHaveLength(5); // every voice releases every run it may have served
  });

  it('fails with SR_TTS_LANGUAGE naming the languages it has and the step, with no * to fall back on', async () => {
    const err = await speak(voicesByLanguage({ en: voice('english', []) }), 'ar').catch((e) => e);
    expect(err).toBeInstanceOf(ShowrunnerError);
    expect(err.code).toBe('SR_TTS_LANGUAGE');
    expect(err.message).toContain('"ar"');
    expect(err.message).toContain('en');
    expect(err.step).toEqual({ index: 0, id: 's1' });
  });

  it("keeps the chosen voice's name on its errors, and every voice's fingerprint in its own", async () => {
    const broken = definePlugin({
      name: 'broken',
      stage: 'tts',
      fingerprint: 'b1',
      async run() {
        throw new Error('no audio device');
      },
    });
    const tts = voicesByLanguage({ en: voice('english', []), '*': broken });
    expect(tts.fingerprint).toBe('en=english@english-v1;*=broken@b1');
    const err = await speak(tts, 'de').catch((e) => e);
    expect(err.code).toBe('SR_TTS_FAILED');
    expect(err.plugin).toBe('broken');
    expect(() => voicesByLanguage({})).toThrow(/at least one voice/);
  });
});
