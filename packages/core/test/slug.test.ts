// Readable names for demos in any script: slugs keep letters and digits of every script, stay safe as
// file and folder names (no separators or control characters, bounded in bytes, NFC), and name the
// run folder and the stored files of a real run.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkRunId, createRun, demoName, parseDemo, resolveConfig, runPipeline, slugify } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { humTts, listMerge, paperRecorder, tempDir } from './plugins.js';

describe('slugify', () => {
  it.each([
    ['产品演示：登录', '产品演示-登录'],
    ['如何 创建/删除 项目？', '如何-创建-删除-项目'],
    ['ログインする方法', 'ログインする方法'],
    ['Вход в систему', 'вход-в-систему'],
    ['تسجيل الدخول', 'تسجيل-الدخول'],
    ['हिंदी डेमो', 'हिंदी-डेमो'],
    ['Démo: Été 2026!', 'demo-ete-2026'],
    ['ＡＢＣ１２３', 'abc123'], // full-width Latin and digits read as ASCII
    ['a/b\\c\u0000d\u202ee..f', 'a-b-c-d-e-f'],
    ['!!!', 'demo'],
    ['CON', 'con-demo'],
  ])('%s → %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('is NFC: a title written decomposed gives the same slug', () => {
    const composed = '한국어 데모';
    expect(slugify(composed.normalize('NFD'))).toBe(slugify(composed));
    expect(slugify(composed)).toBe('한국어-데모');
    expect(slugify(composed).normalize('NFC')).toBe(slugify(composed));
  });

  it('starts with a letter or digit, even after a stray combining mark', () => {
    expect(slugify('!\u0903x')).toBe('x');
  });

  it('stays within 60 characters and 180 UTF-8 bytes, cut between characters', () => {
    expect([...slugify('演'.repeat(100))]).toHaveLength(60);
    const astral = slugify('𠀀'.repeat(100)); // CJK Extension B: 4 bytes each
    expect(Buffer.byteLength(astral)).toBeLessThanOrEqual(180);
    expect([...astral].every((c) => c === '𠀀')).toBe(true);
    expect(checkRunId(`${astral}-20261202121212-abcd`)).toBeTruthy(); // still a valid run id
  });
});

describe('a demo titled in Chinese', () => {
  it('is recorded into a run folder and stored under its readable name', async () => {
    const root = await tempDir('sr-slug-');
    const config = await resolveConfig({ tts: humTts(), record: paperRecorder(), merge: listMerge() }, { root });
    const demo = parseDemo({
      url: 'http://localhost:9/',
      title: '产品演示：登录',
      steps: [{ action: 'click', target: { name: '登录' }, narration: '点击登录。' }],
    });
    expect(demoName(demo)).toBe('产品演示-登录');
    const runDir = await createRun(config.runsDir, { demo });
    expect(path.basename(runDir)).toMatch(/^产品演示-登录-\d{14}-[0-9a-f]{4}$/);
    const run = await runPipeline(config, runDir);
    expect(run.state.status).toBe('done');
    expect(existsSync(path.join(root, 'out', '产品演示-登录', 'final.mp4'))).toBe(true);
  });
});
