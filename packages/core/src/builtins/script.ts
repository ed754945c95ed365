import { ShowrunnerError } from '../errors.js';
import { checkLimit, LIMITS } from '../policy/limits.js';
import type { StepInput } from '../schema/demo.js';
import { type Form, fill, goto, KEY, key, type LineRef, narrate, re, target, wait } from './script-steps.js';
import { normalize, splitNarration } from './script-text.js';
import { narrateZh, ZH_FORMS } from './script-zh.js';

export type { LineRef } from './script-steps.js';

const Q = '"([^"]+)"';
const THE = '(?:the\\s+)?';
const ROLE_WORDS: Record<string, string> = {
  button: 'button',
  link: 'link',
  tab: 'tab',
  'menu item': 'menuitem',
  option: 'option',
};
const ROLE = `(button|link|tab|menu item|option)`;
const FIELD = `${THE}${Q}(?:\\s+(?:field|box|input|textbox))?`;

/** The English sentence forms. Order matters: the first match wins ("select X from Y" before "select X"). */
const FORMS: Form[] = [
  [
    re(
      `(?:go to|goto|open|navigate to|visit|load)\\s+${THE}(?:page\\s+)?(?:${Q}|((?:https?://|\\.{0,2}/)\\S*|[\\w-]+(?:\\.[\\w-]+)+(?::\\d+)?(?:/\\S*)?))`,
    ),
    (m) => goto(m[1] ?? m[2] ?? ''),
  ],
  [
    re(`(?:choose|select|pick)\\s+${Q}\\s+(?:from|in)\\s+${THE}${Q}(?:\\s+(?:menu|dropdown|list|select))?`),
    (m) => ({ action: 'select', target: { label: m[2] }, value: m[1] }),
  ],
  [
    re(`(?:type|enter|fill in|fill|write|input)\\s+(?:${Q}|\\$([A-Za-z_]\\w*))\\s+(?:into|in|on)\\s+${FIELD}`),
    (m, at) => fill(m[3] ?? '', m[1], m[2], at),
  ],
  [re(`(?:fill in|fill)\\s+${FIELD}\\s+with\\s+(?:${Q}|\\$([A-Za-z_]\\w*))`), (m, at) => fill(m[1] ?? '', m[2], m[3], at)],
  [re(`(?:press|hit)\\s+${THE}${KEY}(?:\\s+key)?`), (m) => ({ action: 'press', value: key(m[1] ?? '') })],
  [
    re(`(?:uncheck|untick|turn off)\\s+${THE}${Q}(?:\\s+(?:checkbox|option|switch))?`),
    (m) => ({ action: 'check', target: { name: m[1] }, value: 'false' }),
  ],
  [
    re(`(?:check|tick|turn on)\\s+${THE}${Q}(?:\\s+(?:checkbox|option|switch))?`),
    (m) => ({ action: 'check', target: { name: m[1] } }),
  ],
  [
    re(`(?:hover over|hover on|hover|mouse over|move the mouse (?:over|to))\\s+${THE}(?:${ROLE}\\s+)?${Q}(?:\\s+${ROLE})?`),
    (m) => ({ action: 'hover', target: target(m[2], role(m[1] ?? m[3])) }),
  ],
  [
    re(`(?:click on|click|press|tap on|tap|select|hit)\\s+${THE}(?:${ROLE}\\s+)?${Q}(?:\\s+${ROLE})?`),
    (m) => ({ action: 'click', target: target(m[2], role(m[1] ?? m[3])) }),
  ],
  [
    re('scroll\\s+(down|up)(?:\\s+(?:by\\s+)?(\\d+)\\s*(?:px|pixels)?)?'),
    (m) => ({ action: 'scroll', value: m[2] ? `${m[1] === 'up' ? '-' : ''}${m[2]}` : m[1]?.toLowerCase() }),
  ],
  [
    re(`scroll\\s+(?:down\\s+|up\\s+)?to\\s+${THE}(top|bottom)(?:\\s+of\\s+the\\s+page)?`),
    (m) => ({ action: 'scroll', value: m[1]?.toLowerCase() }),
  ],
  [re(`scroll\\s+(?:down\\s+|up\\s+)?to\\s+${THE}${Q}`), (m) => ({ action: 'scroll', target: { text: m[1] } })],
  [re('wait\\s+(?:for\\s+)?(\\d+(?:\\.\\d+)?)\\s*(ms|milliseconds?|s|secs?|seconds?)'), (m) => wait(Number(m[1]), m[2] ?? 's')],
  [re('wait\\s+(?:a|one)\\s+(?:second|moment)'), () => ({ action: 'wait', value: '1000' })],
  [
    re(`wait\\s+(?:for|until)\\s+${THE}${Q}(?:\\s+(?:appears|is visible|shows up|to appear))?`),
    (m) => ({ action: 'wait', target: { text: m[1] } }),
  ],
];

const role = (word: string | undefined) => (word ? ROLE_WORDS[word.toLowerCase()] : undefined);

/** What the script parser may do; given by the parse stage from the run's policy. */
export interface ScriptOptions {
  /**
   * Whether `$NAME` may become an `{ env: NAME }` value, read from the environment while recording.
   * False for untrusted runs: such a line fails with SR_SECRET_REFUSED. Default true (the CLI).
   */
  readonly trusted?: boolean;
  /** The demo's language (BCP 47): `zh…` makes narration generated for a line without one Chinese. */
  readonly language?: string;
}

/**
 * Turn imperative English or Chinese lines (`click "Sign up"`, `点击 "注册"`; see script-zh.ts) into
 * steps, one step per line. Narration follows a separator (`—`, `——`, `–`, `－`, `--` or `|`) or is
 * generated from the action (in Chinese for a Chinese line or a `zh` demo). Blank lines and `#`/`//`
 * comments are ignored; `Title: …` or `标题：…` sets the title. Throws SR_LIMIT_EXCEEDED for a script over
 * LIMITS.descriptionChars or a line over LIMITS.scriptLineChars, SR_SCRIPT_LINE_INVALID quoting the
 * first bad line, SR_SECRET_REFUSED for `$NAME` when not trusted. Linear in the script's length.
 */
export function parseScript(script: string, options: ScriptOptions = {}): { title?: string; steps: StepInput[] } {
  checkLimit('descriptionChars', script.length, 'The length of the script', {
    stage: 'parse',
    field: 'description',
    hint: `Keep the script within ${LIMITS.descriptionChars} characters, one action per line.`,
  });
  let title: string | undefined;
  const steps: StepInput[] = [];
  for (const [i, raw] of script.split(/\r?\n/).entries()) {
    checkLine(raw, i + 1);
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('//')) continue;
    const heading = /^(?:title|标题)\s*[:：]\s*(.+)$/i.exec(line);
    if (heading) {
      title = heading[1]?.trim();
      continue;
    }
    steps.push(readLine(line, { lineNo: i + 1, trusted: options.trusted ?? true, language: options.language }));
  }
  return { title, steps };
}

/**
 * One line → one step. `lineNo` is 1-based and only used in errors. Throws as {@link parseScript}
 * does for one line.
 */
export function parseLine(line: string, lineNo = 1, options: ScriptOptions = {}): StepInput {
  checkLine(line, lineNo);
  return readLine(line, { lineNo, trusted: options.trusted ?? true, language: options.language });
}

function checkLine(line: string, lineNo: number): void {
  checkLimit('scriptLineChars', line.length, `The length of line ${lineNo}`, {
    stage: 'parse',
    field: `line ${lineNo}`,
    hint: `Keep each line within ${LIMITS.scriptLineChars} characters: one action per line, narration after " — ".`,
  });
}

/**
 * {@link parseLine} without the length limit: exported (not from the package) so the linearity test
 * and bench can time lines far over it. Linear in the line's length: the text passes are single
 * scans and every sentence form is anchored with unambiguous repeats.
 */
export function readLine(line: string, at: LineRef = { lineNo: 1, trusted: true }): StepInput {
  const [command, narration] = splitNarration(line);
  const sentence = normalize(command);
  const zh = at.language !== undefined && /^zh(?:-|$)/i.test(at.language);
  for (const [forms, chinese] of [
    [FORMS, false],
    [ZH_FORMS, true],
  ] as const) {
    for (const [pattern, build] of forms) {
      const m = pattern.exec(sentence);
      if (!m) continue;
      const step = build([...m] as string[], at);
      return { ...step, narration: narration ?? (chinese || zh ? narrateZh(step) : narrate(step)) };
    }
  }
  throw new ShowrunnerError('SR_SCRIPT_LINE_INVALID', `Line ${at.lineNo}: cannot understand "${line}".`, {
    stage: 'parse',
    field: `line ${at.lineNo}`,
    hint:
      'Write one action per line, e.g. go to /login · click "Sign up" · type "ada@example.com" into "Email" · ' +
      'press Enter · hover "Menu" · choose "Pro" from "Plan" · check "Remember me" · scroll down · wait 2 seconds · ' +
      'wait for "Saved". Add narration after " — ". In Chinese: 打开 /login · 点击 "注册" · 在 "邮箱" 中输入 "ada@example.com" · ' +
      '按回车 · 等待 2 秒 — 旁白。',
  });
}
