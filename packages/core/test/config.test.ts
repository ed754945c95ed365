import { defineConfig, definePlugin, localStore, requireSlot, resolveConfig, ShowrunnerError } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder } from './plugins.js';

const file = '/project/showrunner.config.ts';

async function configError(exported: unknown): Promise<ShowrunnerError> {
  const err = await resolveConfig(exported as never, { file }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ShowrunnerError);
  return err as ShowrunnerError;
}

describe('resolveConfig', () => {
  it('fills the offline defaults and orders plugins slots first, then hook plugins', async () => {
    const logger = definePlugin({ name: 'local:log', hooks: { onStatusChange() {} } });
    const config = await resolveConfig(defineConfig({ tts: humTts(), plugins: [logger] }), { file });
    expect(config.slots.parse.name).toBe('showrunner:script-parser');
    expect(config.slots.storage.name).toBe('showrunner:local-store');
    expect(config.plugins.map((p) => p.name)).toEqual([
      'showrunner:script-parser',
      'test:hum',
      'showrunner:local-store',
      'local:log',
    ]);
    expect(config.root).toBe('/project');
    expect(config.runsDir).toBe('/project/.showrunner/runs');
    expect(config.onFail).toBe('ask');
  });

  it('accepts a function export', async () => {
    const config = await resolveConfig(async (env) => ({ baseUrl: env.command === 'run' ? 'http://localhost:1' : undefined }));
    expect(config.baseUrl).toBe('http://localhost:1');
  });

  it('rejects a config that is not an object, naming the file', async () => {
    const err = await configError(42);
    expect(err.code).toBe('SR_CONFIG_INVALID');
    expect(err.file).toBe(file);
    expect(err.message).toContain(file);
  });

  it('rejects unknown keys', async () => {
    const err = await configError({ recorder: paperRecorder() });
    expect(err.message).toContain('unknown key "recorder"');
    expect(err.hint).toBe('Did you mean "record"?');
  });

  it('makes a voice in the record slot a type error', () => {
    // @ts-expect-error a TtsPlugin does not fit the record slot (checked by `tsc -p tsconfig.test.json`)
    const config = defineConfig({ record: humTts() });
    expect(config).toHaveProperty('record.stage', 'tts'); // at run time it is only caught by resolveConfig
  });

  it('names slot and plugin when a tts plugin sits in the record slot', async () => {
    const err = await configError({ record: humTts() });
    expect(err).toMatchObject({ code: 'SR_CONFIG_INVALID', slot: 'record', plugin: 'test:hum', file });
    expect(err.message).toContain('slot "record" holds plugin "test:hum", which provides the "tts" stage');
    expect(err.hint).toContain('Move it to `tts:`');
  });

  it('spots a factory that was not called', async () => {
    const err = await configError({ merge: listMerge });
    expect(err).toMatchObject({ code: 'SR_CONFIG_INVALID', slot: 'merge' });
    expect(err.hint).toContain('listMerge()');
  });

  it('rejects an unknown plugin shape', async () => {
    const err = await configError({ plugins: [{ hooks: {} }] });
    expect(err).toMatchObject({ code: 'SR_CONFIG_INVALID', slot: 'plugins[0]' });
    expect(err.message).toContain('string "name"');
  });

  it('keeps stage plugins out of plugins[] and hook plugins out of slots', async () => {
    const inPlugins = await configError({ plugins: [paperRecorder()] });
    expect(inPlugins).toMatchObject({ slot: 'plugins[0]', plugin: 'test:paper-recorder' });
    expect(inPlugins.hint).toContain('record:');
    const inSlot = await configError({ parse: definePlugin({ name: 'local:x', hooks: {} }) });
    expect(inSlot).toMatchObject({ slot: 'parse', plugin: 'local:x' });
  });

  it('rejects a misspelled hook', async () => {
    const err = await configError({ plugins: [{ name: 'local:typo', hooks: { onStepStarted() {} } }] });
    expect(err).toMatchObject({ slot: 'plugins[0]', plugin: 'local:typo' });
    expect(err.message).toContain('unknown hook "onStepStarted"');
    expect(err.hint).toBe('Did you mean "onStepStart"?');
  });

  it('checks plugin options when the factory is called, suggesting the option meant', () => {
    let err: ShowrunnerError | undefined;
    try {
      localStore({ dri: 'public' } as never);
    } catch (e) {
      err = e as ShowrunnerError;
    }
    expect(err).toMatchObject({ code: 'SR_CONFIG_INVALID', plugin: 'showrunner:local-store', slot: 'storage', field: 'dri' });
    expect(err?.hint).toBe('Did you mean "dir"?');
  });

  it('validates data fields with their names', async () => {
    const err = await configError({ onFail: 'explode' });
    expect(err.message).toContain('onFail');
  });

  it('says which package fills an empty slot', async () => {
    const config = await resolveConfig({}, { file });
    const err = (() => {
      try {
        requireSlot(config, 'record');
      } catch (e) {
        return e as ShowrunnerError;
      }
    })();
    expect(err).toMatchObject({ code: 'SR_STAGE_MISSING', slot: 'record', file });
    expect(err?.hint).toContain('@showrunner/plugin-playwright');
  });

  it('takes the guard settings, and names a bad one', async () => {
    const vault = (name: string) => (name === 'DEMO_PASSWORD' ? 'x' : undefined);
    const config = await resolveConfig(
      { trust: 'untrusted', network: { allow: ['127.0.0.1:3000'] }, navigation: ['https://pay.example.net'], secrets: vault },
      { file },
    );
    expect(config.policy).toMatchObject({
      trust: 'untrusted',
      navigation: { origins: ['https://pay.example.net'] },
      secrets: vault,
    });
    expect((await configError({ trust: 'untrustd' })).message).toContain('trust');
    expect(await configError({ network: { allow: ['10.0.0.0/99'] } })).toMatchObject({
      code: 'SR_CONFIG_INVALID',
      field: 'network.allow',
    });
    expect((await configError({ navigation: ['file:///etc'] })).message).toContain('navigation');
    expect((await configError({ secrets: ['NOT A NAME'] })).message).toContain('secrets');
  });
});
