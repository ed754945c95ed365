// The narration language from request, demo and config through parse, tts (every SpeechInput and the
// clip cache), merge and single-step planning: core run for real on temp folders.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  approvePlan,
  ClipCache,
  createRun,
  type Demo,
  definePlugin,
  type MergePlugin,
  type ParsePlugin,
  parseDemo,
  planStep,
  readRun,
  resolveConfig,
  runPipeline,
  ShowrunnerError,
  type TtsPlugin,
  type UserConfig,
} from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

const demo: Demo = parseDemo({
  url: 'http://localhost:9/',
  title: '产品演示：登录',
  steps: [
    { action: 'goto', value: '/', narration: '这是首页。' },
    { action: 'click', target: { name: '登录' }, narration: 'OK' },
  ],
});

/** A voice that notes the language of every line it is asked to speak, then hums it. */
function listeningTts(heard: { text: string; language?: string }[]): TtsPlugin {
  const hum = humTts();
  return definePlugin({
    name: 'test:listening',
    stage: 'tts',
    fingerprint: 'listen-v1',
    async run(input, ctx) {
      heard.push({ text: input.text, language: input.language });
      return hum.run(input, ctx);
    },
  });
}

/** A merge that notes the demo's language it was given. */
function languageMerge(seen: (string | undefined)[]): MergePlugin {
  const list = listMerge();
  return definePlugin({
    name: 'test:language-merge',
    stage: 'merge',
    async run(input, ctx) {
      seen.push(input.demo.language);
      return list.run(input, ctx);
    },
  });
}

async function setup(extra: UserConfig = {}) {
  const root = await tempDir('sr-lang-');
  const heard: { text: string; language?: string }[] = [];
  const merged: (string | undefined)[] = [];
  const config = await resolveConfig(
    { tts: listeningTts(heard), record: paperRecorder(), merge: languageMerge(merged), ...extra },
    { root },
  );
  return { root, config, heard, merged };
}

describe('narration language', () => {
  it('is a config option, checked as a BCP 47 tag', async () => {
    expect((await resolveConfig({ language: 'zh-Hans' })).language).toBe('zh-Hans');
    expect((await resolveConfig({})).language).toBeUndefined();
    const err = await resolveConfig({ language: 'chinese!' }).catch((e) => e);
    expect(err.code).toBe('SR_CONFIG_INVALID');
    expect(err.message).toContain('language');
  });

  it('reaches the planned demo from the request, else from the config', async () => {
    const { config } = await setup({ language: 'es' });
    const script = 'go to /\nclick "Entrar" — Entras en tu cuenta.';
    const asked = await createRun(config.runsDir, {
      request: { url: 'http://localhost:9/', description: script, language: 'zh' },
    });
    const planned = await runPipeline(config, asked, { until: 'parse' });
    expect(planned.state.request?.language).toBe('zh');
    expect(planned.outputs.parse?.demo.language).toBe('zh');
    const plain = await createRun(config.runsDir, { request: { url: 'http://localhost:9/', description: script } });
    expect((await runPipeline(config, plain, { until: 'parse' })).outputs.parse?.demo.language).toBe('es');
    const none = await setup();
    const run = await createRun(none.config.runsDir, { request: { url: 'http://localhost:9/', description: script } });
    expect((await runPipeline(none.config, run, { until: 'parse' })).outputs.parse?.demo.language).toBeUndefined();
  });

  it('refuses a request whose language is not a tag', async () => {
    const { config } = await setup();
    const err = await createRun(config.runsDir, {
      request: { url: 'http://localhost:9/', description: 'go to /', language: 'zh CN' },
    }).catch((e) => e);
    expect(err.code).toBe('SR_USAGE');
    expect(err.field).toBe('language');
  });

  it("is in every SpeechInput and the merge's demo: the demo's own, else the config's", async () => {
    const own = await setup({ language: 'es' });
    await runPipeline(own.config, await createRun(own.config.runsDir, { demo: { ...demo, language: 'zh' } }));
    expect(own.heard.map((h) => h.language)).toEqual(['zh', 'zh']);
    expect(own.merged).toEqual(['zh']);
    const fromConfig = await setup({ language: 'es' });
    const runDir = await createRun(fromConfig.config.runsDir, { demo });
    const run = await runPipeline(fromConfig.config, runDir);
    expect(fromConfig.heard.map((h) => h.language)).toEqual(['es', 'es']);
    expect(fromConfig.merged).toEqual(['es']);
    expect((await readRun(runDir)).demo?.language).toBeUndefined(); // the approved demo is kept as given
    expect(run.state.status).toBe('done');
    const none = await setup();
    await runPipeline(none.config, await createRun(none.config.runsDir, { demo }));
    expect(none.heard.map((h) => h.language)).toEqual([undefined, undefined]);
  });

  it("keeps the request's language when a reviewer's edit drops it from the plan", async () => {
    const { config, heard } = await setup({ language: 'es' });
    const runDir = await createRun(config.runsDir, {
      request: { url: 'http://localhost:9/', description: '点击 "登录"', language: 'zh' },
    });
    const planned = await runPipeline(config, runDir, { until: 'parse' });
    const { language: _dropped, ...edited } = planned.outputs.parse!.demo;
    await approvePlan(runDir, edited, { by: 'reviewer' });
    await runPipeline(config, runDir);
    expect(heard.map((h) => h.language)).toEqual(['zh']);
  });

  it('keys the clip cache, so one text in two languages is never confused', async () => {
    const { config, heard } = await setup();
    await runPipeline(config, await createRun(config.runsDir, { demo: { ...demo, language: 'zh' } }));
    const again = await runPipeline(config, await createRun(config.runsDir, { demo: { ...demo, language: 'zh' } }));
    expect(again.outputs.tts?.cache).toEqual({ hits: 2, misses: 0 });
    const english = await runPipeline(config, await createRun(config.runsDir, { demo: { ...demo, language: 'en' } }));
    expect(english.outputs.tts?.cache).toEqual({ hits: 0, misses: 2 });
    expect(heard.filter((h) => h.text === 'OK').map((h) => h.language)).toEqual(['zh', 'en']);
    const cache = new ClipCache(config.cacheDir);
    const key = (language?: string) => cache.key({ plugin: 'p', fingerprint: 'f', language, text: 'OK' });
    expect(key('zh')).not.toBe(key('en'));
    expect(key('en')).toBe(key(undefined)); // no tag means en
    expect(key('zh-CN')).toBe(key('zh-cn')); // tags are case-insensitive
  });

  it("gives single-step planning the demo's language, else the config's", async () => {
    const asked: (string | undefined)[] = [];
    const parse: ParsePlugin = definePlugin({
      name: 'test:step-planner',
      stage: 'parse',
      async run() {
        throw new Error('not used');
      },
      async planStep({ demo: d }) {
        asked.push(d.language);
        return [{ id: 's2.1', action: 'click', target: { name: '注册' }, narration: '点击注册。' }];
      },
    });
    const { config, root } = await setup({ parse, language: 'ja' });
    const runDir = path.join(root, 'runs', 'step-run');
    await mkdir(runDir, { recursive: true });
    await planStep(config, runDir, { demo, index: 1, instruction: '点击注册' });
    await planStep(config, runDir, { demo: { ...demo, language: 'zh' }, index: 1, instruction: '点击注册' });
    expect(asked).toEqual(['ja', 'zh']);
  });
  it('names the step whose line no voice speaks (SR_TTS_LANGUAGE from the plugin)', async () => {
    const englishOnly: TtsPlugin = definePlugin({
      name: 'test:english-only',
      stage: 'tts',
      fingerprint: 'en-v1',
      async run(input) {
        throw new ShowrunnerError('SR_TTS_LANGUAGE', `no voice speaks "${input.language}"`, { field: 'language' });
      },
    });
    const { config } = await setup({ tts: englishOnly });
    const silentFirst = { ...demo, language: 'zh', steps: [{ ...demo.steps[0]!, narration: undefined }, demo.steps[1]!] };
    const err = await runPipeline(config, await createRun(config.runsDir, { demo: silentFirst })).catch((e) => e);
    expect(err.code).toBe('SR_TTS_LANGUAGE');
    expect(err.step).toEqual({ index: 1, id: demo.steps[1]!.id });
    expect(err.plugin).toBe('test:english-only');
  });
});
