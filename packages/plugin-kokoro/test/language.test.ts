// The demo's language: English through the real loading code on the stand-in model (British voice for
// en-GB), any other language refused with SR_TTS_LANGUAGE before anything loads. No download.
import path from 'node:path';
import { readWavInfo, ShowrunnerError, type SpeechInput } from '@showrunner/core';
import kokoro, { BRITISH_VOICE, KOKORO_LANGUAGES } from '@showrunner/plugin-kokoro';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forbidNetwork, type LogLines, removeTempDirs, tempDir, testContext } from './helpers/context.js';
import { buildKokoroStandin } from './helpers/standin.js';

let net: ReturnType<typeof forbidNetwork>;
let root: string;
const plugins: ReturnType<typeof kokoro>[] = [];
beforeAll(async () => {
  net = forbidNetwork();
  root = await tempDir();
  buildKokoroStandin(path.join(root, 'weights'));
});
afterAll(async () => {
  await Promise.all(plugins.map((p) => p.close?.()));
  await removeTempDirs();
  net.restore();
  expect(net.calls).toEqual([]);
});

let n = 0;
/** One clip through a fresh plugin instance on the stand-in weights; its report and log lines. */
async function say(input: Omit<SpeechInput, 'file'>, voice?: string) {
  const plugin = kokoro({ modelDir: 'weights', allowDownload: false, ...(voice ? { voice } : {}) });
  plugins.push(plugin);
  const logs: LogLines = [];
  const ctx = await testContext(root, logs, undefined, `run-${n}`);
  const file = path.join(ctx.dir, `clip-${n++}.wav`);
  const out = await plugin.run({ ...input, file }, ctx);
  return { out, logs, wav: await readWavInfo(file) };
}

async function caught(fn: () => unknown): Promise<ShowrunnerError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ShowrunnerError);
    return err as ShowrunnerError;
  }
  throw new Error('expected a ShowrunnerError');
}

describe('languages kokoro-js speaks', () => {
  it('are American and British English', () => {
    expect(KOKORO_LANGUAGES).toEqual(['en-US', 'en-GB']);
  });

  it('speaks en and en-US with the configured voice', async () => {
    for (const language of ['en', 'en-US']) {
      const { out, logs, wav } = await say({ text: 'Hello there.', language });
      expect(out.durationMs).toBeGreaterThan(0);
      expect(wav.durationMs).toBe(out.durationMs);
      expect(logs.filter((l) => l.includes('for language'))).toEqual([]);
    }
  });

  it('speaks en-GB and en-AU with a British voice, unless the configured one is British already', async () => {
    const gb = await say({ text: 'Hello there.', language: 'en-GB' });
    expect(gb.logs).toContain(`debug: voice "${BRITISH_VOICE}" for language "en-GB"`);
    expect(gb.out.durationMs).toBeGreaterThan(0);
    const au = await say({ text: 'Hello there.', language: 'en-AU' });
    expect(au.logs).toContain(`debug: voice "${BRITISH_VOICE}" for language "en-AU"`);
    const george = await say({ text: 'Hello there.', language: 'en-GB' }, 'bm_george');
    expect(george.logs.filter((l) => l.includes('for language'))).toEqual([]);
  });

  it("keeps the demo's own voice", async () => {
    const { logs } = await say({ text: 'Hello there.', language: 'en-GB', voice: 'am_michael' });
    expect(logs.filter((l) => l.includes('for language'))).toEqual([]);
  });
});

describe('other languages', () => {
  it.each(['zh', 'es', 'ar', 'ja', 'not a tag'])(
    '%s fails with SR_TTS_LANGUAGE pointing at eSpeak, before loading',
    async (language) => {
      for (const text of ['点击保存。', '']) {
        const err = await caught(() => say({ text, language }));
        expect(err.code).toBe('SR_TTS_LANGUAGE');
        expect(err.plugin).toBe('@showrunner/plugin-kokoro');
        expect(err.field).toBe('language');
        expect(err.message).toContain(`"${language}"`);
        expect(err.message).toContain('English only (en-US, en-GB)');
        expect(err.hint).toContain('@showrunner/plugin-espeak');
      }
    },
  );
});
