// The hosted pipeline as configured from the environment, and re-planning one card through the
// planner's single-step mode: the openrouter plugin pointed at the local OpenAI-compatible server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, modelServer } from '../../../packages/plugin-openrouter/test/model-server';
import { resetEnv } from '../src/env';
import { hostedConfig } from '../src/pipeline/config';
import * as service from '../src/pipeline/service';
import { hostedTestEnv } from './helpers';

const target = (t: Record<string, string>) => ({
  role: null,
  name: null,
  label: null,
  placeholder: null,
  text: null,
  css: null,
  ...t,
});
const REPLY = {
  steps: [
    {
      action: 'click',
      target: target({ role: 'button', name: 'Invite people' }),
      value: null,
      narration: 'Open the invite dialog.',
    },
    { action: 'fill', target: target({ label: 'Email' }), value: 'ann@example.com', narration: 'Type their address.' },
  ],
};

let api: Awaited<ReturnType<typeof modelServer>>;
let t: Awaited<ReturnType<typeof hostedTestEnv>>;
beforeAll(async () => {
  api = await modelServer([completion(REPLY, 'fixture-model')]);
  t = await hostedTestEnv({
    OPENROUTER_API_KEY: 'test-key',
    OPENROUTER_BASE_URL: api.baseURL,
    OPENROUTER_MODEL: 'fixture-model',
  });
});
afterAll(async () => {
  await t?.stop();
  await api?.close();
  for (const name of [
    'OPENROUTER_API_KEY',
    'OPENROUTER_BASE_URL',
    'OPENROUTER_MODEL',
    'SUPABASE_URL',
    'SUPABASE_SERVICE_ROLE_KEY',
  ]) {
    delete process.env[name];
  }
});

describe('the hosted pipeline', () => {
  it('is untrusted with every guard on, plans with openrouter when its key is set, stores locally without Supabase', async () => {
    const config = await hostedConfig();
    expect(config.policy).toMatchObject({ trust: 'untrusted', navigation: 'same-site', popups: 'close', secrets: [] });
    expect(config.policy.decisionTimeoutMs).toBe(30 * 60_000);
    expect(config.slots.parse.name).toBe('@showrunner/plugin-openrouter');
    expect(config.slots.record?.name).toBe('@showrunner/plugin-playwright');
    expect(config.slots.merge?.name).toBe('hosted:plan-merge'); // plugin-ffmpeg under the owner's plan
    expect(['@showrunner/plugin-kokoro', '@showrunner/plugin-espeak']).toContain(config.slots.tts?.name);
    expect(config.slots.storage.name).toBe('showrunner:local-store');
    expect(config.files).toBeUndefined();
    expect(config.runsDir).toBe(`${t.dataDir}/runs`);
  });

  it('uses Supabase Storage and run files when SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set, the script parser without a key', async () => {
    Object.assign(process.env, {
      SUPABASE_URL: 'http://127.0.0.1:9/',
      SUPABASE_SERVICE_ROLE_KEY: 'service-key',
      OPENROUTER_API_KEY: '',
    });
    resetEnv();
    try {
      const config = await hostedConfig();
      expect(config.slots.storage.name).toBe('@showrunner/plugin-supabase');
      expect(typeof config.files?.pull).toBe('function');
      expect(config.slots.parse.name).toBe('showrunner:script-parser');
    } finally {
      Object.assign(process.env, { SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '', OPENROUTER_API_KEY: 'test-key' });
      resetEnv();
    }
  });

  it('replanStep turns a sentence into replacement cards with the model, ids unique among the other cards', async () => {
    const user = 'user_planner';
    const { id } = await service.createDemo(user, { url: 'https://app.example.com/team', description: 'Invite a teammate.' });
    const cards = [
      { id: 's1', action: 'goto', value: '/team', narration: 'Open the team page.' },
      { id: 's2', action: 'click', target: { name: 'Invite' }, narration: 'Invite someone.' },
      { id: 's2.2', action: 'press', value: 'Enter', narration: 'Send it.' },
    ];
    await t.sql(`update runs set status = 'awaiting_review' where demo_id = $1`, [id]);
    for (const [i, c] of cards.entries()) await t.sql('insert into steps values ($1, $2, $3)', [id, i, JSON.stringify(c)]);

    const steps = await service.replanStep(user, id, 1, 'open the invite dialog and type ann@example.com');
    expect(steps).toEqual([
      { id: 's2.1', action: 'click', target: { role: 'button', name: 'Invite people' }, narration: 'Open the invite dialog.' },
      { id: 's2.2-2', action: 'fill', target: { label: 'Email' }, value: 'ann@example.com', narration: 'Type their address.' },
    ]);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.body.model).toBe('fixture-model');
    expect(api.requests[0]!.headers.authorization).toBe('Bearer test-key');
    expect(api.prompt(0)).toContain('open the invite dialog and type ann@example.com');
    // Nothing was saved: the page decides.
    expect((await service.getDemo(user, id)).steps).toEqual(cards);
    await expect(service.replanStep(user, id, 9, 'x')).rejects.toMatchObject({ code: 'SR_BAD_REQUEST', field: 'index' });
    await expect(service.replanStep(user, id, 0, '  ')).rejects.toMatchObject({ code: 'SR_BAD_REQUEST', field: 'sentence' });
  });
});
