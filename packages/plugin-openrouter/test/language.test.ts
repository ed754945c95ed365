// The demo's language through the real `openai` SDK against the local model server: the prompt asks
// for narration (and title) in it with targets quoted as on the page, and a reply in the wrong script
// is an invalid reply (one repair round, then SR_PLAN_INVALID naming the step).
import { readRun, ShowrunnerError } from '@showrunner/core';
import openrouter from '@showrunner/plugin-openrouter';
import { describe, expect, it } from 'vitest';
import { DEMO, GOOD_PLAN, modelStep, planRun } from './helpers.js';
import { completion, useModelServers } from './model-server.js';

const server = useModelServers();
const URL = 'http://127.0.0.1:9/app';
const plugin = (baseURL: string) => openrouter({ baseURL, apiKey: 'test-key', model: 'primary', snapshot: false });

const ZH_PLAN = {
  title: '创建你的第一个项目',
  steps: [
    modelStep('click', { role: 'button', name: 'New project' }, null, '首先，打开一个新项目。'),
    modelStep('fill', { label: 'Project name' }, '发布计划', '给它起一个团队认得出的名字。'),
  ],
};

describe('planning in the demo language', () => {
  it('asks for Chinese narration and title, targets quoted as on the page; the demo carries zh', async () => {
    const api = await server([completion(ZH_PLAN)]);
    const t = await planRun(plugin(api.baseURL), { url: URL, description: '演示如何创建项目。', language: 'zh' });
    const { demo } = await t.run();

    expect(demo).toMatchObject({ language: 'zh', title: '创建你的第一个项目' });
    expect(demo.steps[0]).toMatchObject({ target: { role: 'button', name: 'New project' }, narration: '首先，打开一个新项目。' });
    expect((await readRun(t.runDir)).outputs.parse?.demo.language).toBe('zh');
    const system = api.system(0);
    expect(system).toContain('write every narration line and the title in Chinese (zh)');
    expect(system).toContain('exactly as they appear on the page');
    expect(api.requests).toHaveLength(1);
  });

  it('repairs a reply narrated in the wrong script, quoting the step back', async () => {
    const api = await server([completion(GOOD_PLAN), completion({ ...ZH_PLAN, steps: ZH_PLAN.steps })]);
    const t = await planRun(plugin(api.baseURL), { url: URL, description: '演示如何创建项目。', language: 'zh' });
    const { demo } = await t.run();

    expect(demo.title).toBe('创建你的第一个项目');
    expect(api.requests).toHaveLength(2);
    const quoted = api.requests[1]!.body.messages.at(-1)!.content;
    expect(quoted).toContain('title: it is not in Chinese (zh)');
    expect(quoted).toContain('steps[0].narration: it is not in Chinese (zh): write it in that language, with Han characters');
    expect(quoted).toContain('steps[3].narration');
  });

  it('fails with SR_PLAN_INVALID naming the step when the repair is in the wrong script too', async () => {
    const mixed = { ...ZH_PLAN, steps: [ZH_PLAN.steps[0], modelStep('press', null, 'Enter', 'Press Enter.')] };
    const api = await server([completion(mixed), completion(mixed)]);
    const t = await planRun(plugin(api.baseURL), { url: URL, description: 'Create a project.', language: 'zh-Hans' });
    const error = await t.run().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ShowrunnerError);
    expect(error).toMatchObject({ code: 'SR_PLAN_INVALID', stage: 'parse', field: 'steps[1].narration' });
    expect((error as ShowrunnerError).message).toContain('steps[1].narration: it is not in');
  });

  it('checks Arabic script for ar, and only asks (no check) for a Latin-script language', async () => {
    const ar = {
      title: 'أنشئ مشروعك الأول',
      steps: [modelStep('click', { role: 'button', name: 'New project' }, null, 'ابدأ بفتح مشروع جديد.')],
    };
    const api = await server([completion(ar), completion(GOOD_PLAN)]);
    const arabic = await planRun(plugin(api.baseURL), { url: URL, description: 'Create a project.', language: 'ar' });
    expect((await arabic.run()).demo.language).toBe('ar');
    expect(api.system(0)).toContain('in Arabic (ar)');
    // Spanish is written in Latin letters: not told apart from English cheaply, so the reply is taken as is
    const spanish = await planRun(plugin(api.baseURL), { url: URL, description: 'Crear un proyecto.', language: 'es' });
    expect((await spanish.run()).demo.language).toBe('es');
    expect(api.system(1)).toContain('in Spanish (es)');
    expect(api.requests).toHaveLength(2);
  });

  it('leaves the prompt without a language line when none is given', async () => {
    const api = await server([completion(GOOD_PLAN)]);
    const t = await planRun(plugin(api.baseURL), { url: URL, description: 'Create a project.' });
    expect((await t.run()).demo.language).toBeUndefined();
    expect(api.system(0)).not.toContain('Language:');
  });

  it('asks single-step planning for the demo language and checks the reply the same way', async () => {
    const english = { steps: [modelStep('click', { role: 'button', name: 'Continue' }, null, 'You confirm it.')] };
    const chinese = { steps: [modelStep('click', { role: 'button', name: 'Continue' }, null, '确认邀请。')] };
    const api = await server([completion(english), completion(chinese)]);
    const t = await planRun(plugin(api.baseURL), { url: URL, description: '邀请同事。' });
    const steps = await t.planStep({ demo: { ...DEMO, language: 'zh' }, index: 1, instruction: '点击 "Continue"' });

    expect(steps).toEqual([
      { id: 's2.1', action: 'click', target: { role: 'button', name: 'Continue' }, narration: '确认邀请。' },
    ]);
    expect(api.system(0)).toContain('write every narration line in Chinese (zh)');
    expect(api.requests[1]!.body.messages.at(-1)!.content).toContain('steps[0].narration: it is not in Chinese (zh)');
  });
});
