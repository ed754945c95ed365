// The offline script parser's Chinese sentence forms: the same actions as the English ones, written the
// way a Chinese script says them. Lines arrive normalized (script-text.ts): quotes “”「」『』 are `"`,
// full-width punctuation and digits outside quotes are ASCII, bullets and 然后/请 are gone. Every form is
// anchored; a name without quotes is a lazy run that stops at the first suffix that ends the line, so
// matching stays linear in the line.
import type { StepInput } from '../schema/demo.js';
import { type Form, fill, goto, KEY, key, pageName, re, target, wait } from './script-steps.js';

const Q = '"([^"]+)"';
/** A name without quotes: no quote, no leading space, as short as the rest of the form allows. */
const BARE = '([^"\\s][^"]*?)';
const ROLE_WORDS: Record<string, string> = {
  按钮: 'button',
  链接: 'link',
  标签页: 'tab',
  选项卡: 'tab',
  菜单项: 'menuitem',
  选项: 'option',
};
const ROLE = '(按钮|链接|标签页|选项卡|菜单项|选项)';
/** An element: `按钮 "登录"`, `"登录" 按钮`, `"登录" 的按钮` or bare `登录按钮`. Five captures (role, name, role, name, role). */
const TARGET = `(?:${ROLE}\\s*)?${Q}(?:\\s*(?:的\\s*)?${ROLE})?|${BARE}\\s*${ROLE}?`;
/** A form field: quoted or bare, optionally followed by what kind of field it is. Two captures. */
const FIELD = `(?:${Q}|${BARE})\\s*(?:输入框|文本框|搜索框|字段|框|栏)?`;
/** The text to type: quoted, or `$NAME` for a secret. Two captures. */
const VALUE = `(?:${Q}|\\$([A-Za-z_]\\w*))`;
const TYPE = '(?:输入|填写|填入|键入|写入)';
const IN = '(?:中|里|内)';
const URL_ZH = `(?:"((?:https?://|\\.{0,2}/)[^"]*|[\\w-]+(?:\\.[\\w-]+)+[^"]*)"|((?:https?://|\\.{0,2}/)\\S*|[\\w-]+(?:\\.[\\w-]+)+(?::\\d+)?(?:/\\S*)?))`;
const KEY_ZH = '(回车|空格|退格|删除|[上下左右](?:方向)?键|[上下左右]箭头)';
const KEY_NAMES: Record<string, string> = { 回车: 'Enter', 空格: 'Space', 退格: 'Backspace', 删除: 'Delete' };
const ARROWS: Record<string, string> = { 上: 'ArrowUp', 下: 'ArrowDown', 左: 'ArrowLeft', 右: 'ArrowRight' };
const NUMERALS = '一二三四五六七八九十';

/** The element of a TARGET match starting at capture `i`. */
const element = (m: string[], i: number) => target(m[i + 1] ?? m[i + 3], ROLE_WORDS[m[i] ?? m[i + 2] ?? m[i + 4] ?? '']);

/** The Chinese sentence forms, tried after the English ones. Order matters: the first match wins. */
export const ZH_FORMS: Form[] = [
  [re(`(?:打开|访问|前往|转到|跳转到|导航到|进入|去)\\s*(?:页面\\s*)?${URL_ZH}(?:\\s*页面)?`), (m) => goto(m[1] ?? m[2] ?? '')],
  [
    re(`(?:在|从)\\s*(?:${Q}|${BARE})\\s*(?:下拉菜单|下拉框|下拉列表|菜单|列表)?\\s*${IN}?\\s*(?:选择|选)\\s*${Q}`),
    (m) => ({ action: 'select', target: { label: m[1] ?? m[2] }, value: m[3] }),
  ],
  [re(`在\\s*${FIELD}\\s*${IN}?\\s*${TYPE}\\s*${VALUE}`), (m, at) => fill(m[1] ?? m[2] ?? '', m[3], m[4], at)],
  [re(`${TYPE}\\s*${VALUE}\\s*(?:到|进|至|在)\\s*${FIELD}\\s*${IN}?`), (m, at) => fill(m[3] ?? m[4] ?? '', m[1], m[2], at)],
  [
    re(`(?:将|把)\\s*${VALUE}\\s*${TYPE}(?:到|进|至)?\\s*${FIELD}\\s*${IN}?`),
    (m, at) => fill(m[3] ?? m[4] ?? '', m[1], m[2], at),
  ],
  [re(`(?:按下|按|敲下|敲)\\s*(?:${KEY_ZH}|${KEY})(?:\\s*键)?`), (m) => ({ action: 'press', value: keyZh(m[1], m[2]) })],
  [
    re(`(?:取消勾选|取消选中|不勾选)\\s*(?:${Q}|${BARE})\\s*(?:复选框|选项|开关)?`),
    (m) => ({ action: 'check', target: { name: m[1] ?? m[2] }, value: 'false' }),
  ],
  [
    re(`(?:勾选|选中|打勾)\\s*(?:${Q}|${BARE})\\s*(?:复选框|选项|开关)?`),
    (m) => ({ action: 'check', target: { name: m[1] ?? m[2] } }),
  ],
  [
    re(`(?:(?:将|把)?鼠标(?:悬停|停留|移)(?:在|于|到)|悬停(?:在|于)?|移到)\\s*(?:${TARGET})\\s*(?:上方|上)?`),
    (m) => ({ action: 'hover', target: element(m, 1) }),
  ],
  [re(`在\\s*(?:${TARGET})\\s*(?:上方|上)\\s*悬停`), (m) => ({ action: 'hover', target: element(m, 1) })],
  [re(`(?:点击|单击|点按|轻触|轻点|点一下|点|按|选择)\\s*(?:${TARGET})`), (m) => ({ action: 'click', target: element(m, 1) })],
  [
    re('(?:向|往)?(下|上)\\s*(?:滚动|滚|滑动|滑)(?:\\s*(\\d+)\\s*(?:像素|px))?'),
    (m) => ({ action: 'scroll', value: m[2] ? `${m[1] === '上' ? '-' : ''}${m[2]}` : m[1] === '上' ? 'up' : 'down' }),
  ],
  [
    re('(?:(?:向|往)(?:下|上)\\s*)?(?:滚动|滚)\\s*(?:到|至)\\s*(?:页面\\s*)?(?:的\\s*)?最?(底部|底端|底|顶部|顶端|顶)'),
    (m) => ({ action: 'scroll', value: m[1]?.startsWith('底') ? 'bottom' : 'top' }),
  ],
  [
    re(`(?:(?:向|往)(?:下|上)\\s*)?(?:滚动|滚)\\s*(?:到|至)\\s*${Q}\\s*(?:处|位置)?`),
    (m) => ({ action: 'scroll', target: { text: m[1] } }),
  ],
  [
    re(`(?:等待|等)\\s*(\\d+(?:\\.\\d+)?|[${NUMERALS}两])\\s*(毫秒|秒钟|秒|ms|s)`),
    (m) => wait(numeral(m[1] ?? '1'), /^(毫秒|ms)$/i.test(m[2] ?? '') ? 'ms' : 's'),
  ],
  [re('稍等(?:片刻|一下)?|(?:等待|等)\\s*(?:一下|片刻|一会儿|一会)'), () => ({ action: 'wait', value: '1000' })],
  [re(`(?:等待|等到|等)\\s*${Q}\\s*(?:出现|显示|可见|加载完成|加载出来)?`), (m) => ({ action: 'wait', target: { text: m[1] } })],
];

/** `一` … `十` and `两` as numbers; digits as written. */
function numeral(text: string): number {
  if (text === '两') return 2;
  const i = NUMERALS.indexOf(text);
  return i >= 0 ? i + 1 : Number(text);
}

function keyZh(zh: string | undefined, en: string | undefined): string {
  if (!zh) return key(en ?? '');
  return KEY_NAMES[zh] ?? ARROWS[zh.charAt(0)] ?? zh;
}

/** A plain Chinese line for a step written without narration. Secrets are never spoken. */
export function narrateZh(step: StepInput): string {
  const t = step.target;
  const what = t?.name ?? t?.label ?? t?.text ?? '';
  const value = typeof step.value === 'string' ? step.value : undefined;
  switch (step.action) {
    case 'goto': {
      const page = pageName(value ?? '/');
      return page === 'home' ? '我们从首页开始。' : `我们从${page}页面开始。`;
    }
    case 'click':
      return `点击${what}。`;
    case 'fill':
      return step.sensitive ? `输入你的${what}。` : `在${what}中输入${value}。`;
    case 'press':
      return `按下${SPOKEN_KEYS[value ?? ''] ?? `${value?.replace(/\+/g, ' ')} 键`}。`;
    case 'hover':
      return `将鼠标悬停在${what}上。`;
    case 'select':
      return `在${what}中选择${value}。`;
    case 'check':
      return value === 'false' ? `取消勾选${what}。` : `勾选${what}。`;
    case 'scroll':
      if (what) return `滚动到${what}。`;
      return value === 'up' || value === 'top' || value?.startsWith('-') ? '向上滚动。' : '向下滚动页面。';
    case 'wait':
      return what ? `等待${what}出现。` : '';
  }
}

const SPOKEN_KEYS: Record<string, string> = { Enter: '回车键', Space: '空格键', Backspace: '退格键', Delete: '删除键' };
