// The offline script parser's Chinese forms: the same actions as the English ones, with full-width
// quotes and punctuation, narration after a dash, and Chinese narration generated when none is given.
import { parseLine, parseScript, type ShowrunnerError, type StepInput, scriptParser } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { parseContext } from './parse-context.js';

const cases: [string, Partial<StepInput>][] = [
  ['打开 /login', { action: 'goto', value: '/login' }],
  ['打开 https://app.example.com/dashboard 页面', { action: 'goto', value: 'https://app.example.com/dashboard' }],
  ['访问「/settings/profile」', { action: 'goto', value: '/settings/profile' }],
  ['前往 example.com', { action: 'goto', value: 'example.com' }],
  ['点击 "登录"', { action: 'click', target: { name: '登录' } }],
  ['点击“登录”按钮', { action: 'click', target: { role: 'button', name: '登录' } }],
  ['点击登录按钮', { action: 'click', target: { role: 'button', name: '登录' } }],
  ['点击「帮助」链接', { action: 'click', target: { role: 'link', name: '帮助' } }],
  ['单击按钮 『保存』', { action: 'click', target: { role: 'button', name: '保存' } }],
  ['点击 "Sign up" 按钮', { action: 'click', target: { role: 'button', name: 'Sign up' } }],
  ['选择 "账单" 标签页', { action: 'click', target: { role: 'tab', name: '账单' } }],
  ['点击设置', { action: 'click', target: { name: '设置' } }],
  ['在 "邮箱" 中输入 "a@b.c"', { action: 'fill', target: { label: '邮箱' }, value: 'a@b.c' }],
  ['在“邮箱”里输入“a@b.c”', { action: 'fill', target: { label: '邮箱' }, value: 'a@b.c' }],
  ['在邮箱输入框中输入 "ada@example.com"', { action: 'fill', target: { label: '邮箱' }, value: 'ada@example.com' }],
  ['在 "全名" 字段中填写 "阿达"', { action: 'fill', target: { label: '全名' }, value: '阿达' }],
  ['输入 "a@b.c" 到 "邮箱"', { action: 'fill', target: { label: '邮箱' }, value: 'a@b.c' }],
  ['输入 "发票" 到搜索框中', { action: 'fill', target: { label: '搜索' }, value: '发票' }],
  ['把 "Acme" 填入 "公司"', { action: 'fill', target: { label: '公司' }, value: 'Acme' }],
  [
    '在 "密码" 中输入 $DEMO_PASSWORD',
    { action: 'fill', target: { label: '密码' }, value: { env: 'DEMO_PASSWORD' }, sensitive: true },
  ],
  ['在 "密码" 中输入 "hunter2"', { action: 'fill', target: { label: '密码' }, value: 'hunter2', sensitive: true }],
  ['按回车', { action: 'press', value: 'Enter' }],
  ['按回车键', { action: 'press', value: 'Enter' }],
  ['按 Enter', { action: 'press', value: 'Enter' }],
  ['按下 Tab', { action: 'press', value: 'Tab' }],
  ['按下 Tab 键', { action: 'press', value: 'Tab' }],
  ['按 Ctrl+K', { action: 'press', value: 'Control+K' }],
  ['按空格', { action: 'press', value: 'Space' }],
  ['按下方向键', { action: 'press', value: 'ArrowDown' }],
  ['按上箭头', { action: 'press', value: 'ArrowUp' }],
  ['悬停在 "价格" 上', { action: 'hover', target: { name: '价格' } }],
  ['鼠标悬停在帮助链接上', { action: 'hover', target: { role: 'link', name: '帮助' } }],
  ['将鼠标移到 "菜单" 上方', { action: 'hover', target: { name: '菜单' } }],
  ['在 "菜单" 上悬停', { action: 'hover', target: { name: '菜单' } }],
  ['在 "套餐" 中选择 "专业版"', { action: 'select', target: { label: '套餐' }, value: '专业版' }],
  ['从套餐下拉菜单中选择「专业版」', { action: 'select', target: { label: '套餐' }, value: '专业版' }],
  ['勾选 "记住我"', { action: 'check', target: { name: '记住我' } }],
  ['勾选记住我复选框', { action: 'check', target: { name: '记住我' } }],
  ['取消勾选 "订阅新闻"', { action: 'check', target: { name: '订阅新闻' }, value: 'false' }],
  ['向下滚动', { action: 'scroll', value: 'down' }],
  ['往上滚动', { action: 'scroll', value: 'up' }],
  ['向下滚动 300 像素', { action: 'scroll', value: '300' }],
  ['向上滚动 200 px', { action: 'scroll', value: '-200' }],
  ['滚动到底部', { action: 'scroll', value: 'bottom' }],
  ['滚动到页面顶部', { action: 'scroll', value: 'top' }],
  ['滚动到 "价格"', { action: 'scroll', target: { text: '价格' } }],
  ['等待 2 秒', { action: 'wait', value: '2000' }],
  ['等待２秒钟', { action: 'wait', value: '2000' }],
  ['等待 500 毫秒', { action: 'wait', value: '500' }],
  ['等两秒', { action: 'wait', value: '2000' }],
  ['稍等片刻', { action: 'wait', value: '1000' }],
  ['等待 "已保存" 出现', { action: 'wait', target: { text: '已保存' } }],
  ['等待「已保存」', { action: 'wait', target: { text: '已保存' } }],
  ['然后点击 "下一步"。', { action: 'click', target: { name: '下一步' } }],
  ['请点击 "下一步"！', { action: 'click', target: { name: '下一步' } }],
  ['1、点击 "下一步"', { action: 'click', target: { name: '下一步' } }],
  ['首先，打开 /', { action: 'goto', value: '/' }],
];

describe('Chinese script forms', () => {
  it.each(cases)('%s', (line, expected) => {
    expect(parseLine(line)).toMatchObject(expected);
  });

  it('takes the narration after a dash: —, ——, – and －, with quotes kept whole', () => {
    expect(parseLine('点击 "登录" — 点击这里登录。').narration).toBe('点击这里登录。');
    expect(parseLine('点击“登录”——现在登录你的账户。').narration).toBe('现在登录你的账户。');
    expect(parseLine('点击「登录」－登录。').narration).toBe('登录。');
    expect(parseLine('等待 2 秒 – 稍等一下。').narration).toBe('稍等一下。');
    // a dash inside quotes is part of the name, and full-width punctuation inside quotes is kept as written
    expect(parseLine('点击 “注册——免费” — 免费注册。')).toMatchObject({
      target: { name: '注册——免费' },
      narration: '免费注册。',
    });
    expect(parseLine('点击 「你好，世界」').target).toEqual({ name: '你好，世界' });
  });

  it('writes Chinese narration for a Chinese line without one, and for a zh demo', () => {
    expect(parseLine('点击登录按钮').narration).toBe('点击登录。');
    expect(parseLine('在 "邮箱" 中输入 "a@b.c"').narration).toBe('在邮箱中输入a@b.c。');
    expect(parseLine('在 "密码" 中输入 "hunter2"').narration).toBe('输入你的密码。'); // secrets are never spoken
    expect(parseLine('按回车').narration).toBe('按下回车键。');
    expect(parseLine('打开 /').narration).toBe('我们从首页开始。');
    expect(parseLine('滚动到底部').narration).toBe('向下滚动页面。');
    expect(parseLine('click "Save"', 1, { language: 'zh-CN' }).narration).toBe('点击Save。');
    expect(parseLine('click "Save"', 1, { language: 'en' }).narration).toBe('Click Save.');
  });

  it('reads a whole Chinese script with a 标题 line', () => {
    const { title, steps } = parseScript(
      [
        '标题：产品演示：登录',
        '打开 /login',
        '在 “邮箱” 中输入 “ada@example.com” —— 输入你的邮箱。',
        '点击登录按钮',
        '等待 “欢迎” 出现',
      ].join('\n'),
    );
    expect(title).toBe('产品演示：登录');
    expect(steps.map((s) => s.action)).toEqual(['goto', 'fill', 'click', 'wait']);
    expect(steps[1]?.narration).toBe('输入你的邮箱。');
  });

  it('refuses a line it cannot understand with a coded error naming the line', () => {
    const err = (() => {
      try {
        parseScript('打开 /\n跳一段舞 — 好玩。');
      } catch (e) {
        return e as ShowrunnerError;
      }
    })();
    expect(err?.code).toBe('SR_SCRIPT_LINE_INVALID');
    expect(err?.message).toBe('Line 2: cannot understand "跳一段舞 — 好玩。".');
    expect(err?.field).toBe('line 2');
    expect(err?.hint).toContain('点击 "注册"');
  });

  it('plans a zh request with the script parser: the demo carries the language', async () => {
    const out = await scriptParser().run(
      { url: 'http://localhost:9/', description: '标题：登录\n点击 "登录"', language: 'zh' },
      parseContext(),
    );
    expect(out.demo).toMatchObject({ title: '登录', language: 'zh', steps: [{ action: 'click', narration: '点击登录。' }] });
    const [step] = await scriptParser().planStep!({ demo: out.demo, index: 0, instruction: 'click "Sign in"' }, parseContext());
    expect(step?.narration).toBe('点击Sign in。'); // narration generated in the demo's language
  });
});
