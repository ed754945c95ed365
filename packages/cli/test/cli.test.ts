import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, showrunner } from './bin.js';
import { DEMO, INLINE_PLUGINS } from './inline.js';

describe('showrunner CLI', () => {
  it('init then validate succeed in an empty folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sr-init-'));
    const init = await showrunner(dir, 'init');
    expect(init.code).toBe(0);
    expect(existsSync(path.join(dir, 'showrunner.config.ts'))).toBe(true);
    expect(JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')).type).toBe('module');
    const validate = await showrunner(dir, 'validate');
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('✓ showrunner.config.ts');
    expect(validate.stdout).toMatch(/✓ demos\/example\.demo\.json\s+3 steps/);
    expect((await showrunner(dir, 'init')).code).toBe(2); // never overwrites without --force
  });

  it('records a demo file through the config slots and prints a summary', async () => {
    const dir = await project({
      'showrunner.config.ts': `${INLINE_PLUGINS}\nexport default defineConfig({ tts, record, merge });\n`,
      'tour.demo.json': DEMO,
    });
    const { code, stdout, stderr } = await showrunner(dir, 'record', 'tour.demo.json');
    expect(stderr).toContain('done in');
    expect(code).toBe(0);
    expect(stdout).toContain(path.join('out', 'quick-tour', 'final.mp4'));
    expect(stdout).toMatch(/time: tts \d+\.\ds · record \d+\.\ds · merge \d+\.\ds · storage \d+\.\ds · total/); // pipeline order
    expect(await readFile(path.join(dir, 'out', 'quick-tour', 'final.mp4'), 'utf8')).toBe('s1,s2');
    // self-healing across runs: the selectors that worked are saved in the JSON demo file
    expect(stderr).toContain('saved 2 resolved selector(s)');
    const saved = JSON.parse(await readFile(path.join(dir, 'tour.demo.json'), 'utf8'));
    expect(saved.steps.map((s: { resolved?: string }) => s.resolved)).toEqual(['paper=s1', 'paper=s2']);
    const json = await showrunner(dir, '--json', 'record', 'tour.demo.json');
    const first = JSON.parse(json.stdout);
    expect(first).toMatchObject({ ok: true, steps: { s1: 'done', s2: 'done' }, reused: [] });
    expect(Object.keys(first.stageMs).sort()).toEqual(['merge', 'record', 'storage', 'tts']);
    // a resumed run times only what it ran, and says what it reused
    const again = await showrunner(dir, 'record', '--resume', first.runDir, '--from', 'merge');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/time: merge \d+\.\ds · storage \d+\.\ds · total \d+\.\ds \(reused: tts, record\)/);
  });

  it('names the file and slot when a plugin sits in the wrong slot (exit 2)', async () => {
    const dir = await project({ 'showrunner.config.ts': `${INLINE_PLUGINS}\nexport default defineConfig({ record: tts });\n` });
    const { code, stderr } = await showrunner(dir, 'validate');
    expect(code).toBe(2);
    expect(stderr).toContain('SR_CONFIG_INVALID');
    expect(stderr).toContain(path.join(dir, 'showrunner.config.ts'));
    expect(stderr).toContain('slot "record" holds plugin "local:quiet", which provides the "tts" stage');
    expect(stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
  });

  it('reports a config that does not compile, naming the file', async () => {
    const dir = await project({ 'showrunner.config.ts': 'export default defineConfig({ tts: ' });
    const { code, stderr } = await showrunner(dir, 'validate');
    expect(code).toBe(2);
    expect(stderr).toMatch(/SR_CONFIG_INVALID {2}Cannot load .*showrunner\.config\.ts/);
  });

  it('rejects an unknown plugin shape', async () => {
    const dir = await project({ 'showrunner.config.mjs': "export default { record: 'playwright' };\n" });
    const { code, stderr } = await showrunner(dir, 'validate');
    expect(code).toBe(2);
    expect(stderr).toContain('slot "record" must hold a plugin object');
  });

  it('names step index and field of a bad demo, and reports unreadable files', async () => {
    const dir = await project({
      'a.demo.json': JSON.stringify({ url: '/', steps: [{ action: 'goto', value: '/' }, { action: 'teleport' }] }),
      'b.demo.yaml': 'url: /\nsteps:\n  - action: fill\n    target: { label: Email }\n',
      'c.demo.json': '{ "url": ',
    });
    const { code, stderr } = await showrunner(dir, 'validate');
    expect(code).toBe(2);
    expect(stderr).toMatch(/SR_DEMO_INVALID .*a\.demo\.json/);
    expect(stderr).toContain('steps[1].action');
    expect(stderr).toContain('step 2');
    expect(stderr).toContain('steps[0].value: a "fill" step needs a value');
    expect(stderr).toMatch(/SR_FILE_UNREADABLE .*c\.demo\.json/);
  });

  it('says which slot is empty and which package fills it', async () => {
    const dir = await project({ 'tour.demo.json': DEMO });
    const { code, stderr } = await showrunner(dir, 'record', 'tour.demo.json');
    expect(code).toBe(2);
    expect(stderr).toContain('SR_STAGE_MISSING');
    expect(stderr).toContain('@showrunner/plugin-espeak');
  });

  it('refuses a run folder from a newer version and leaves it intact', async () => {
    const dir = await project({
      'showrunner.config.ts': `${INLINE_PLUGINS}\nexport default defineConfig({ tts, record, merge });\n`,
    });
    const runDir = path.join(dir, 'future-run');
    const state = JSON.stringify({ version: 7, id: 'future-run', createdAt: '', status: 'created', stages: {}, steps: {} });
    await mkdir(runDir);
    await writeFile(path.join(runDir, 'run.json'), state);
    const { code, stderr } = await showrunner(dir, 'record', '--resume', runDir);
    expect(code).toBe(2);
    expect(stderr).toContain('SR_RUN_NEWER_VERSION');
    expect(await readFile(path.join(runDir, 'run.json'), 'utf8')).toBe(state);
  });

  it('plans with the offline script parser and writes a demo file', async () => {
    const dir = await project();
    const script = 'go to /\nclick "Sign up" — Create your account.\ntype "ada@example.com" into "Email"';
    const { code, stdout } = await showrunner(dir, 'plan', 'http://localhost:3000', script, '-o', 'signup.demo.json');
    expect(code).toBe(0);
    expect(stdout).toContain('3 steps');
    const demo = JSON.parse(await readFile(path.join(dir, 'signup.demo.json'), 'utf8'));
    expect(demo.steps[1]).toMatchObject({ action: 'click', narration: 'Create your account.' });
    const bad = await showrunner(dir, 'plan', 'http://localhost:3000', 'go to /\ndo a barrel roll');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Line 2: cannot understand "do a barrel roll"');
  });

  it('exits 2 on usage errors', async () => {
    const dir = await project();
    expect((await showrunner(dir, 'frobnicate')).code).toBe(2);
    expect((await showrunner(dir, 'record')).stderr).toContain('record needs a demo file');
    expect((await showrunner(dir, '--help')).code).toBe(0);
  });
});
