import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LIMITS, readRun, ShowrunnerError } from '@showrunner/core';
import openrouter, { MAX_TOKENS_CAP } from '@showrunner/plugin-openrouter';
import { describe, expect, it } from 'vitest';
import { GOOD_PLAN, modelStep, planRun } from './helpers.js';
import { completion, failure, useModelServers } from './model-server.js';

const REQUEST = { url: 'http://127.0.0.1:9/app', description: 'Show how a new user creates a project.' };
const server = useModelServers();

const base = (baseURL: string) => ({ baseURL, apiKey: 'test-key', model: 'primary', snapshot: false as const });

describe('run: planning a demo', () => {
  it('plans a demo over real HTTP: headers, model, response_format, ids, title and narration', async () => {
    const api = await server([completion(GOOD_PLAN)]);
    const snapshots: string[] = [];
    const plugin = openrouter({
      ...base(api.baseURL),
      attribution: true,
      appName: 'Showrunner tests',
      snapshot: async (url) => {
        snapshots.push(url);
        return '- button "New project"\n- textbox "Project name"';
      },
    });
    const t = await planRun(plugin, REQUEST);
    const { demo } = await t.run();

    expect(demo.title).toBe('Create your first project');
    expect(demo.url).toBe(REQUEST.url);
    expect(demo.steps.map((s) => s.id)).toEqual(['s1', 's2', 's3', 's4']);
    expect(demo.steps[0]).toEqual({
      id: 's1',
      action: 'click',
      target: { role: 'button', name: 'New project' },
      narration: 'You start by opening a new project.',
    });
    expect(demo.steps[2]).toEqual({
      id: 's3',
      action: 'press',
      value: 'Enter',
      narration: 'Press Enter, and your project is ready.',
    });
    // core wrote what the plugin returned, after validating it again
    expect((await readRun(t.runDir)).outputs.parse?.demo).toEqual(demo);

    expect(api.requests).toHaveLength(1);
    const [req] = api.requests;
    expect(req!.headers.authorization).toBe('Bearer test-key');
    expect(req!.headers['http-referer']).toBe('https://github.com/showrunner-dev/showrunner');
    expect(req!.headers['x-title']).toBe('Showrunner tests');
    expect(req!.body.model).toBe('primary');
    expect(req!.body.response_format?.type).toBe('json_schema');
    expect(req!.body.response_format?.json_schema).toMatchObject({ name: 'demo_plan', strict: true });
    expect(req!.body.response_format?.json_schema?.schema).toMatchObject({
      additionalProperties: false,
      required: ['title', 'steps'],
    });
    expect(snapshots).toEqual([REQUEST.url]);
    expect(api.prompt(0)).toContain('- button "New project"');
    expect(api.prompt(0)).toContain(REQUEST.description);
    // narration rules are in the prompt
    expect(req!.body.messages[0]!.content).toMatch(/second person/);
    expect(req!.body.messages[0]!.content).toMatch(/click the button with id/);
    expect(t.text()).toMatch(/info primary: HTTP 200 in \d+ ms \(attempt 1\/3\)/);
  });

  it('repairs malformed JSON in one round that quotes the error', async () => {
    const broken = '{"title": "Create your first project", "steps": [{"action": "click"';
    const api = await server([completion(broken), completion(GOOD_PLAN)]);
    const t = await planRun(openrouter(base(api.baseURL)), REQUEST);
    const { demo } = await t.run();

    expect(demo.steps).toHaveLength(4);
    expect(api.requests).toHaveLength(2);
    const repair = api.requests[1]!.body.messages;
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: broken });
    expect(repair.at(-1)!.content).toMatch(/not valid JSON/);
    expect(t.text()).toMatch(/warn The reply of primary is invalid .*asking once for a repair/);
  });

  it('quotes the zod errors in the repair round: extra fields and a fill without a value', async () => {
    const bad = {
      ...GOOD_PLAN,
      url: 'https://evil.example/',
      steps: [GOOD_PLAN.steps[0], modelStep('fill', { label: 'Project name' }, null, 'Name it.')],
    };
    const api = await server([completion(bad), completion(GOOD_PLAN)]);
    const t = await planRun(openrouter(base(api.baseURL)), REQUEST);
    const { demo } = await t.run();

    expect(demo.url).toBe(REQUEST.url);
    const quoted = api.requests[1]!.body.messages.at(-1)!.content;
    expect(quoted).toMatch(/Unrecognized key.*"url"/);
    expect(api.requests[1]!.body.messages.at(-2)!.content).toBe(JSON.stringify(bad));
  });

  it('fails with SR_PLAN_INVALID and keeps both raw replies in the parse folder when the repair is invalid too', async () => {
    const api = await server([completion('Sure! Here is your plan: first click New project.'), completion('{"title": ""}')]);
    const t = await planRun(openrouter(base(api.baseURL)), REQUEST);
    const error = await t.run().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ShowrunnerError);
    expect(error).toMatchObject({ code: 'SR_PLAN_INVALID', stage: 'parse', plugin: '@showrunner/plugin-openrouter' });
    const file = (error as ShowrunnerError).file!;
    // in the stage's own folder (core may give each attempt a subfolder of parse/)
    expect(file).toMatch(/^parse\/(?:[\w.-]+\/)?plan-invalid\.txt$/);
    const raw = await readFile(path.join(t.runDir, file), 'utf8');
    expect(raw).toContain('Sure! Here is your plan: first click New project.');
    expect(raw).toContain('{"title": ""}');
    const run = await readRun(t.runDir);
    expect(run.state.stages.parse?.status).toBe('failed');
    expect(run.state.error?.code).toBe('SR_PLAN_INVALID');
    expect(api.requests).toHaveLength(2);
  });

  it('asks again without response_format when a model rejects it (responseFormat "auto")', async () => {
    const api = await server((req) =>
      req.body.response_format ? failure(400, 'response_format json_schema is not supported') : completion(GOOD_PLAN),
    );
    const t = await planRun(openrouter(base(api.baseURL)), REQUEST);
    const { demo } = await t.run();

    expect(demo.steps).toHaveLength(4);
    expect(api.requests.map((r) => r.body.response_format?.type ?? 'none')).toEqual(['json_schema', 'none']);
    // the plain-JSON instructions carry the schema
    expect(api.requests[1]!.body.messages[0]!.content).toMatch(
      /Reply format: one JSON object[\s\S]*"additionalProperties":false/,
    );
    expect(t.text()).toMatch(/primary: HTTP 400 .*asking again without response_format/);
  });

  it('never sends response_format with responseFormat "prompt"', async () => {
    const api = await server([completion(`\`\`\`json\n${JSON.stringify(GOOD_PLAN)}\n\`\`\``)]);
    const t = await planRun(openrouter({ ...base(api.baseURL), responseFormat: 'prompt' }), REQUEST);
    const { demo } = await t.run();
    expect(demo.steps).toHaveLength(4);
    expect(api.requests[0]!.body.response_format).toBeUndefined();
  });

  it('fails with a coded error before any request or snapshot when OpenRouter has no key', async () => {
    const saved = process.env.OPENROUTER_API_KEY;
    delete process.env.OPENROUTER_API_KEY;
    try {
      let snapshots = 0;
      const plugin = openrouter({
        snapshot: async () => {
          snapshots++;
          return '';
        },
      });
      const t = await planRun(plugin, REQUEST);
      const error = await t.run().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SR_CONFIG_INVALID', field: 'apiKey', plugin: '@showrunner/plugin-openrouter' });
      expect((error as ShowrunnerError).message).toMatch(/OPENROUTER_API_KEY is not set/);
      expect((error as ShowrunnerError).hint).toMatch(/openrouter\.ai\/keys/);
      expect(snapshots).toBe(0);
    } finally {
      if (saved !== undefined) process.env.OPENROUTER_API_KEY = saved;
    }
  });

  it('sends max_tokens on every request: LIMITS.modelMaxTokens by default, the option when set', async () => {
    const broken = '{"title": "Create your first project"';
    const api = await server([completion(broken), completion(GOOD_PLAN)]);
    await (await planRun(openrouter(base(api.baseURL)), REQUEST)).run();
    expect(api.requests.map((r) => r.body.max_tokens)).toEqual([LIMITS.modelMaxTokens, LIMITS.modelMaxTokens]);
    expect(LIMITS.modelMaxTokens).toBe(8192);

    const custom = await server([completion(GOOD_PLAN)]);
    await (await planRun(openrouter({ ...base(custom.baseURL), maxTokens: 2000 }), REQUEST)).run();
    expect(custom.requests[0]!.body.max_tokens).toBe(2000);
  });

  it('checks maxTokens when the config loads: a whole number from 256 to MAX_TOKENS_CAP', () => {
    expect(MAX_TOKENS_CAP).toBe(131_072);
    expect(() => openrouter({ maxTokens: MAX_TOKENS_CAP })).not.toThrow();
    for (const maxTokens of [0, -1, 255, 1.5, MAX_TOKENS_CAP + 1, 1e9, Number.NaN, Number.POSITIVE_INFINITY, '8192', null]) {
      expect(() => openrouter({ maxTokens } as never), String(maxTokens)).toThrow(
        expect.objectContaining({ code: 'SR_CONFIG_INVALID', field: 'maxTokens' }),
      );
    }
  });

  it('rejects bad options when the config loads', () => {
    expect(() => openrouter({ baseURL: 'http://127.0.0.1:1234/v1' })).toThrow(
      expect.objectContaining({ code: 'SR_CONFIG_INVALID', field: 'model' }),
    );
    expect(() => openrouter({ attemptsPerModel: 0 })).toThrow(
      expect.objectContaining({ code: 'SR_CONFIG_INVALID', field: 'attemptsPerModel' }),
    );
    expect(() => openrouter({ modle: 'x' } as never)).toThrow(expect.objectContaining({ code: 'SR_CONFIG_INVALID' }));
  });
});
