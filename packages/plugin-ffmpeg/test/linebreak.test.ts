// Caption line breaking in Chinese, mixed Latin/Chinese and Arabic; the language tags and caption
// fonts the merge derives from the demo's language (real fc-list).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toVtt, wrap } from '../src/captions.js';
import { wrapText } from '../src/cards.js';
import { captionFont, fontLanguage, iso639_2 } from '../src/language.js';
import { balance, sentences, units, width } from '../src/linebreak.js';
import { parseVtt } from './media.js';

const ZH = '点击右上角的保存按钮，然后在名称框中输入你的项目名字，最后按回车键确认。';
const CLOSING = /^[，。、！？；：」』）》,.;:!?)]/;
const lines = (text: string) => wrap(text).split('\n');

describe('units', () => {
  it('makes each Chinese character a unit, with closing punctuation on the one before and opening on the one after', () => {
    expect(units('点击「保存」按钮，好。').map((u) => u.text)).toEqual(['点', '击', '「保', '存」', '按', '钮，', '好。']);
  });

  it('keeps Latin words whole inside Chinese and remembers where spaces were', () => {
    expect(units('打开Settings页面').map((u) => u.text)).toEqual(['打', '开', 'Settings', '页', '面']);
    expect(units('打开 Save changes 按钮').map((u) => [u.text, u.space])).toEqual([
      ['打', false],
      ['开', false],
      ['Save', true],
      ['changes', true],
      ['按', true],
      ['钮', false],
    ]);
  });

  it('counts CJK characters two columns wide', () => {
    expect(width('保存')).toBe(4);
    expect(width('Save')).toBe(4);
    expect(width('مرحبا')).toBe(5);
  });
});

describe('Chinese captions', () => {
  it('break without spaces into two even lines of at most 21 characters', () => {
    const text = '点击右上角的保存按钮然后在名称框中输入你的项目名字';
    const [first, second] = lines(text);
    expect(`${first}${second}`).toBe(text);
    for (const line of [first!, second!]) expect(width(line)).toBeLessThanOrEqual(42);
    expect(Math.abs(width(first!) - width(second!))).toBeLessThanOrEqual(4);
  });

  it('prefer a break after 。，、！？；： when it keeps the lines close in length', () => {
    expect(lines('请点击右上角的保存按钮，然后输入你的项目名字和描述')).toEqual([
      '请点击右上角的保存按钮，',
      '然后输入你的项目名字和描述',
    ]);
    expect(lines('先打开设置页面。再点击左边的账户选项卡并等待')).toEqual(['先打开设置页面。', '再点击左边的账户选项卡并等待']);
  });

  it('never start a line with closing punctuation', () => {
    // Without the rule the even split would put "，" first on line two.
    for (const text of [
      '一二三四五六七八九十一二三四五六七八九十，一二三四五六七八九十一二',
      ZH.slice(0, 30),
      '打开「设置」页面然后点击「保存」按钮并等待页面重新加载完成吧',
    ]) {
      const split = lines(text);
      expect(split.join('')).toBe(text);
      for (const line of split.slice(1)) expect(line).not.toMatch(CLOSING);
    }
  });

  it('split a long line into sentences and cue-sized parts, preferring punctuation', () => {
    const long = `${ZH}${ZH}`;
    const parts = sentences(long).flatMap((s) => balance(s, 84));
    expect(parts.join('')).toBe(long);
    for (const part of parts) {
      expect(width(part)).toBeLessThanOrEqual(84);
      expect(part).toMatch(/[，。]$/);
    }
  });
});

describe('mixed Latin and Chinese captions', () => {
  it('never split a Latin word, and keep the spacing as written', () => {
    const text = '打开 Settings 页面然后点击 Save changes 按钮并等待页面重新加载完成';
    const split = lines(text);
    expect(split).toHaveLength(2);
    expect(split.join(' ').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    for (const word of ['Settings', 'Save', 'changes']) expect(split.some((l) => l.includes(word))).toBe(true);
    expect(lines('打开Settings页面')).toEqual(['打开Settings页面']);
  });
});

describe('Arabic captions', () => {
  it('break at spaces in logical order, never inside a word, punctuation kept on its word', () => {
    const text = 'انقر على زر الحفظ في أعلى الصفحة، ثم اكتب اسم مشروعك في الحقل واضغط على الزر';
    const split = lines(text);
    expect(split).toHaveLength(2);
    expect(split.join(' ')).toBe(text);
    for (const line of split) expect(width(line)).toBeLessThanOrEqual(42);
    expect(split[0]).toBe('انقر على زر الحفظ في أعلى الصفحة،'); // after the Arabic comma
  });
});

describe('title cards', () => {
  it('wrap a long Chinese title between characters, within the width, and keep Latin titles at spaces', () => {
    // 640 px wide at 30 px: 36 columns a line, 18 Chinese characters.
    const title = '如何在三分钟内创建你的第一个项目并邀请团队成员一起协作';
    const lines = wrapText(title, 640, 30, 3);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe(title);
    for (const line of lines) expect(width(line)).toBeLessThanOrEqual(36);
    expect(wrapText('Create your first project in three minutes and invite the team', 640, 30, 3)).toEqual([
      'Create your first project in three',
      'minutes and invite the team',
    ]);
  });
});

describe('language tags', () => {
  it.each([
    [undefined, 'eng'],
    ['en', 'eng'],
    ['zh', 'zho'],
    ['zh-Hans-CN', 'zho'],
    ['cmn', 'zho'],
    ['es-MX', 'spa'],
    ['ar', 'ara'],
    ['pt-BR', 'por'],
    ['iw', 'heb'],
    ['tlh', 'tlh'],
    ['xx-invalid-!', 'und'],
  ])('%s → %s (ISO 639-2 for the mp4 tracks)', (tag, code) => {
    expect(iso639_2(tag)).toBe(code);
  });

  it('names the language in the WebVTT header, which parsers skip', () => {
    const vtt = toVtt([{ startMs: 0, endMs: 1000, text: '你好', stepId: 's1' }], 'zh-CN');
    expect(vtt.startsWith('WEBVTT\nLanguage: zh-CN\n\n')).toBe(true);
    expect(parseVtt(vtt)).toEqual([{ startMs: 0, endMs: 1000, text: '你好' }]);
    expect(toVtt([], undefined)).toBe('WEBVTT\n\n');
  });
});

describe('caption fonts', () => {
  it('asks fontconfig for the regional Chinese forms, and for Chinese when CJK text is in another demo', () => {
    expect(fontLanguage('zh', '你好')).toBe('zh-cn');
    expect(fontLanguage('zh-Hant', '你好')).toBe('zh-tw');
    expect(fontLanguage('zh-HK', '你好')).toBe('zh-hk');
    expect(fontLanguage('ja', 'こんにちは')).toBe('ja');
    expect(fontLanguage('en', 'Open 设置')).toBe('zh-cn');
    expect(fontLanguage('ar', 'مرحبا')).toBe('ar');
    expect(fontLanguage(undefined, 'Hello')).toBe('en');
  });

  it('finds Noto Sans CJK SC for Chinese and keeps DejaVu Sans where it has the glyphs (Arabic, English)', async () => {
    expect(await captionFont('zh-cn')).toEqual({ family: 'Noto Sans CJK SC' });
    expect(await captionFont('zh-tw')).toEqual({ family: 'Noto Sans CJK TC' });
    expect(await captionFont('ja')).toEqual({ family: 'Noto Sans CJK JP' });
    expect(await captionFont('ar')).toEqual({ family: 'DejaVu Sans' });
    expect(await captionFont('en')).toEqual({ family: 'DejaVu Sans' });
  });

  it('says why when no installed font has the glyphs (fontconfig pointed at an empty font folder)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sr-fonts-'));
    const conf = path.join(dir, 'fonts.conf');
    await writeFile(conf, `<?xml version="1.0"?>\n<fontconfig><dir>${dir}</dir><cachedir>${dir}</cachedir></fontconfig>\n`);
    const found = await captionFont('zh-cn', { ...process.env, FONTCONFIG_FILE: conf });
    expect(found.family).toBeUndefined();
    expect(found).toMatchObject({ problem: expect.stringContaining('no installed font has glyphs for language "zh-cn"') });
  });
});
