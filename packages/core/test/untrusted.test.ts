// Guards in core for input from strangers: step ids and paths, URL schemes, limits, secrets, storage
// names. Each test counts the hostile inputs it tries; every one must be refused.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  createPolicy,
  createRun,
  LIMITS,
  localStore,
  parseDemo,
  resolveConfig,
  runPipeline,
  type ShowrunnerError,
  safeJoin,
  slugify,
} from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

const refusal = (data: unknown): ShowrunnerError | undefined => {
  try {
    parseDemo(data, 'hostile.demo.json');
    return undefined;
  } catch (e) {
    return e as ShowrunnerError;
  }
};
const step = (extra: object) => ({ url: 'https://app.example.com/', steps: [{ action: 'scroll', ...extra }] });

describe('untrusted demos', () => {
  it('refuses step ids that could name a path (13 cases)', () => {
    const ids = [
      '../../x',
      '..',
      '../etc/passwd',
      'a/b',
      'a\\b',
      '/abs',
      'a\0b',
      '.hidden',
      'x..y',
      ' s1',
      's 1',
      '',
      'x'.repeat(65),
    ];
    for (const id of ids) {
      const err = refusal(step({ id }));
      expect(err, JSON.stringify(id)).toBeDefined();
      expect(err!.field).toBe('steps[0].id');
    }
    expect(refusal(step({ id: '注册-第1步' }))).toBeUndefined(); // letters of any script are fine
  });

  it('refuses non-web schemes as start URL and goto (20 cases)', () => {
    const urls = [
      'file:///etc/passwd',
      'FILE:///etc/passwd',
      ' file:///etc/passwd',
      'chrome://settings',
      'view-source:https://a.com',
      'javascript:alert(1)',
      'data:text/html,<h1>x</h1>',
      'about:blank',
      'blob:https://a.com/1',
      'ftp://a.com/',
      'ws://a.com/',
      'chrome-extension://abc/x.html',
      'java\nscript:alert(1)', // a browser drops the newline: javascript:
      'java\tscript:alert(1)',
      'fi\rle:///etc/passwd',
      '\u0000file:///etc/passwd',
    ];
    for (const url of urls) {
      expect(refusal({ url, steps: [{ action: 'scroll' }] }), url).toMatchObject({ code: 'SR_URL_REFUSED', field: 'url' });
    }
    for (const value of ['file:///etc/shadow', 'javascript:fetch(1)', 'data:,x', 'view-source:http://a']) {
      expect(refusal({ url: '/', steps: [{ action: 'goto', value }] }), value).toMatchObject({
        code: 'SR_URL_REFUSED',
        field: 'steps[0].value',
      });
    }
    expect(refusal({ url: '/login', steps: [{ action: 'goto', value: 'https://a.com/x?y=1' }] })).toBeUndefined();
    expect(refusal({ url: 'login', steps: [{ action: 'goto', value: '?tab=2' }] })).toBeUndefined();
  });

  it('names the limit and its value for every oversized input (9 cases)', () => {
    const big = (n: number) => 'x'.repeat(n + 1);
    const cases: [unknown, string][] = [
      [{ url: '/', steps: Array.from({ length: LIMITS.steps + 1 }, () => ({ action: 'scroll' })) }, 'steps'],
      [step({ narration: big(LIMITS.narrationChars) }), 'narrationChars'],
      [{ url: '/', steps: [{ action: 'fill', target: { label: 'A' }, value: big(LIMITS.valueChars) }] }, 'valueChars'],
      [{ url: '/', steps: [{ action: 'click', target: { name: big(LIMITS.targetChars) } }] }, 'targetChars'],
      [{ url: '/', title: big(LIMITS.titleChars), steps: [{ action: 'scroll' }] }, 'titleChars'],
      [{ url: '/', description: big(LIMITS.descriptionChars), steps: [{ action: 'scroll' }] }, 'descriptionChars'],
      [{ url: `https://a.com/${big(LIMITS.urlChars)}`, steps: [{ action: 'scroll' }] }, 'urlChars'],
      [step({ action: 'wait', value: '2000000000000' }), 'waitMs'],
      [step({ action: 'wait', value: String(LIMITS.waitMs + 1) }), 'waitMs'],
    ];
    for (const [data, limit] of cases) {
      const err = refusal(data);
      expect(err, limit).toMatchObject({ code: 'SR_LIMIT_EXCEEDED' });
      expect(err!.message).toContain(`over the limit ${limit} = ${LIMITS[limit as keyof typeof LIMITS]}`);
    }
  });

  it('refuses a request with a non-web URL or an oversized description before creating a run (3 cases)', async () => {
    const runsDir = path.join(await tempDir(), 'runs');
    const requests = [
      { url: 'file:///etc/passwd', description: 'show it' },
      { url: 'https://a.com', description: 'x'.repeat(LIMITS.descriptionChars + 1) },
      { url: 'javascript:alert(1)', description: 'x' },
    ];
    for (const request of requests) await expect(createRun(runsDir, { request })).rejects.toHaveProperty('code');
    expect(await readdir(runsDir).catch(() => [])).toEqual([]);
  });

  it('refuses run ids that could name a path, before anything is written (6 cases)', async () => {
    const runsDir = path.join(await tempDir(), 'runs');
    const demo = parseDemo({ url: '/', steps: [{ action: 'scroll' }] });
    for (const runId of ['../x', '..', 'a/b', '.hidden', 'a\0b', 'x'.repeat(129)]) {
      await expect(createRun(runsDir, { demo }, { runId }), runId).rejects.toMatchObject({
        code: 'SR_RUN_INVALID',
        field: 'runId',
      });
    }
    expect(await readdir(runsDir).catch(() => [])).toEqual([]);
  });

  it('keeps every path built from data inside its folder (7 cases)', () => {
    const base = '/srv/runs/r1';
    for (const p of ['../x', '../../etc/passwd', '/etc/passwd', 'a/../../b', 'a\0b', '..', 'tts/../../r2/run.json']) {
      expect(() => safeJoin(base, p), p).toThrow(expect.objectContaining({ code: 'SR_PATH_OUTSIDE' }));
    }
    expect(safeJoin(base, 'tts/1/s1.wav')).toBe('/srv/runs/r1/tts/1/s1.wav');
  });
});

describe('untrusted secrets', () => {
  it('reads no variable of the worker unless allowed, with one message whether it exists or not (4 cases)', async () => {
    process.env.SR_TEST_WORKER_KEY = 'sk-live-123';
    const untrusted = createPolicy({ trust: 'untrusted' });
    for (const name of ['SR_TEST_WORKER_KEY', 'HOME', 'PATH', 'NO_SUCH_VARIABLE_X']) {
      const err = (await untrusted.secret(name).catch((e: unknown) => e)) as ShowrunnerError;
      expect(err.code, name).toBe('SR_SECRET_REFUSED');
      expect(err.message).toBe(`This run may not read the secret ${name}.`);
    }
    const vault = createPolicy({ trust: 'untrusted', secrets: (name) => (name === 'DEMO_PASSWORD' ? 'hunter2' : undefined) });
    expect(await vault.secret('DEMO_PASSWORD')).toBe('hunter2');
    await expect(vault.secret('SR_TEST_WORKER_KEY')).rejects.toMatchObject({ code: 'SR_SECRET_MISSING' });
    const allowed = createPolicy({ trust: 'untrusted', secrets: ['SR_TEST_WORKER_KEY'] });
    expect(await allowed.secret('SR_TEST_WORKER_KEY')).toBe('sk-live-123');
    expect(await createPolicy().secret('SR_TEST_WORKER_KEY')).toBe('sk-live-123'); // trusted: the environment, as before
  });
});

describe('storage names', () => {
  it('keeps CJK titles readable and stores untrusted runs per run, so demos never overwrite each other', async () => {
    expect(slugify('注册新用户')).toBe('注册新用户');
    expect(slugify('Démo: Été 2026!')).toBe('demo-ete-2026');
    expect(slugify('데모 만들기')).toBe('데모-만들기');
    expect(slugify('!!!')).toBe('demo');
    const root = await tempDir();
    const config = await resolveConfig(
      { tts: humTts(), record: paperRecorder(), merge: listMerge(), storage: localStore(), trust: 'untrusted' },
      { root },
    );
    const demo = parseDemo({
      url: 'http://localhost:9/',
      title: '注册新用户',
      steps: [{ action: 'goto', value: '/', narration: '首页。' }],
    });
    const a = await runPipeline(config, await createRun(config.runsDir, { demo }));
    const b = await runPipeline(config, await createRun(config.runsDir, { demo }));
    expect(a.outputs.storage?.url).toContain(
      `/out/${encodeURIComponent('注册新用户')}/${encodeURIComponent(a.state.id)}/final.mp4`,
    );
    expect(b.outputs.storage?.url).not.toBe(a.outputs.storage?.url);
    expect((await readdir(path.join(root, 'out', '注册新用户'))).sort()).toEqual([a.state.id, b.state.id].sort());
  });
});

describe('navigation policy', () => {
  it('allows the start site, its subdomains or the listed origins, and nothing else (8 cases)', async () => {
    const { navigationAllowed } = await import('@showrunner/core');
    const start = 'https://app.example.com/login';
    expect(navigationAllowed('same-site', start, 'https://app.example.com/x')).toBe(true);
    expect(navigationAllowed('same-site', start, 'https://docs.example.com/x')).toBe(true);
    const list = { origins: ['https://pay.example.net'] };
    expect(navigationAllowed(list, start, 'https://pay.example.net/checkout')).toBe(true);
    expect(navigationAllowed(list, start, 'https://app.example.com/next')).toBe(true);
    const hostile: [Parameters<typeof navigationAllowed>[0], string][] = [
      ['same-site', 'https://evil.com/'],
      ['same-site', 'https://example.com.evil.com/'],
      ['same-site', 'file:///etc/passwd'],
      ['same-site', 'not a url'],
      [list, 'https://evil.com/'],
      [list, 'https://pay.example.net.evil.com/'],
      [list, 'http://pay.example.net/'], // another scheme is another origin
      [{ origins: [start] }, 'https://other.example.org/'], // listing the start origin does not open the rest
    ];
    for (const [policy, to] of hostile) expect(navigationAllowed(policy, start, to), to).toBe(false);
  });
});
