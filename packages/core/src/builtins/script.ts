import { ShowrunnerError } from '../errors.js';
import { checkLimit, LIMITS } from '../policy/limits.js';
import type { StepInput, Target } from '../schema/demo.js';
import { normalize, splitNarration } from './script-text.js';

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
const KEY =
  '((?:(?:ctrl|control|cmd|command|meta|alt|option|shift)\\s*\\+\\s*)*' +
  '(?:enter|return|tab|escape|esc|space|backspace|delete|arrow\\s?(?:up|down|left|right)|up|down|left|right|home|end|page\\s?up|page\\s?down|f\\d{1,2}|[a-z0-9]))';
const FIELD = `${THE}${Q}(?:\\s+(?:field|box|input|textbox))?`;

/** Builds the step from a form's match; `line` names the line in errors. */
type Build = (m: string[], line: LineRef) => StepInput;
/** One sentence form. Order matters: the first match wins ("select X from Y" before "select X"). */
const FORMS: [RegExp, Build][] = [
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
    (m) => ({ action: 'hover', target: target(m[2], m[1] ?? m[3]) }),
  ],
  [
    re(`(?:click on|click|press|tap on|tap|select|hit)\\s+${THE}(?:${ROLE}\\s+)?${Q}(?:\\s+${ROLE})?`),
    (m) => ({ action: 'click', target: target(m[2], m[1] ?? m[3]) }),
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

function re(body: string): RegExp {
  return new RegExp(`^${body}$`, 'i');
}

/** What the script parser may do; given by the parse stage from the run's policy. */
export interface ScriptOptions {
  /**
   * Whether `$NAME` may become an `{ env: NAME }` value, read from the environment while recording.
   * False for untrusted runs: such a line fails with SR_SECRET_REFUSED. Default true (the CLI).
   */
  readonly trusted?: boolean;
}

/** A line being read: its 1-based number and whether `$NAME` is allowed. */
export interface LineRef {
  lineNo: number;
  trusted: boolean;
}

/**
 * Turn imperative English lines into steps, one step per line. Narration follows a separator
 * (`—`, `–`, `--` or `|`) or is generated from the action. Blank lines and `#`/`//` comments are
 * ignored; `Title: …` sets the title. Throws SR_LIMIT_EXCEEDED for a script over
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
    const heading = /^title\s*:\s*(.+)$/i.exec(line);
    if (heading) {
      title = heading[1]?.trim();
      continue;
    }
    steps.push(readLine(line, { lineNo: i + 1, trusted: options.trusted ?? true }));
  }
  return { title, steps };
}

/**
 * One line → one step. `lineNo` is 1-based and only used in errors. Throws as {@link parseScript}
 * does for one line.
 */
export function parseLine(line: string, lineNo = 1, options: ScriptOptions = {}): StepInput {
  checkLine(line, lineNo);
  return readLine(line, { lineNo, trusted: options.trusted ?? true });
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
  for (const [pattern, build] of FORMS) {
    const m = pattern.exec(sentence);
    if (!m) continue;
    const step = build([...m] as string[], at);
    return { ...step, narration: narration ?? narrate(step) };
  }
  throw new ShowrunnerError('SR_SCRIPT_LINE_INVALID', `Line ${at.lineNo}: cannot understand "${line}".`, {
    stage: 'parse',
    field: `line ${at.lineNo}`,
    hint:
      'Write one action per line, e.g. go to /login · click "Sign up" · type "ada@example.com" into "Email" · ' +
      'press Enter · hover "Menu" · choose "Pro" from "Plan" · check "Remember me" · scroll down · wait 2 seconds · ' +
      'wait for "Saved". Add narration after " — ".',
  });
}

const goto = (url: string): StepInput => ({ action: 'goto', value: url });

function fill(field: string, text: string | undefined, env: string | undefined, at: LineRef): StepInput {
  if (env !== undefined && !at.trusted) {
    throw new ShowrunnerError('SR_SECRET_REFUSED', `Line ${at.lineNo}: this run may not read the secret $${env}.`, {
      stage: 'parse',
      field: `line ${at.lineNo}`,
      hint: 'An untrusted run never reads $NAME: quote the text to type, or use a demo file with a secret the host provides.',
    });
  }
  const value = env ? { env } : (text ?? '');
  const sensitive = env !== undefined || /password|secret|token/i.test(field) ? true : undefined;
  return { action: 'fill', target: { label: field }, value, sensitive };
}

function target(name: string | undefined, roleWord: string | undefined): Target {
  const role = roleWord ? ROLE_WORDS[roleWord.toLowerCase()] : undefined;
  return role ? { role, name } : { name };
}

function key(spoken: string): string {
  const alias: Record<string, string> = {
    ctrl: 'Control',
    control: 'Control',
    cmd: 'Meta',
    command: 'Meta',
    meta: 'Meta',
    option: 'Alt',
    alt: 'Alt',
    shift: 'Shift',
    esc: 'Escape',
    return: 'Enter',
    space: 'Space',
  };
  return spoken
    .split(/\s*\+\s*/)
    .map((part) => {
      const p = part.toLowerCase().replace(/\s+/g, '');
      if (alias[p]) return alias[p];
      if (/^arrow/.test(p)) return `Arrow${cap(p.slice(5))}`;
      if (/^(up|down|left|right)$/.test(p)) return `Arrow${cap(p)}`;
      if (/^page(up|down)$/.test(p)) return `Page${cap(p.slice(4))}`;
      return p.length === 1 ? part.trim() : cap(p);
    })
    .join('+');
}

function wait(amount: number, unit: string): StepInput {
  const ms = /^m/i.test(unit) ? amount : amount * 1000;
  return { action: 'wait', value: String(Math.round(ms)) };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A plain spoken line for a step written without narration. Secrets are never spoken. */
function narrate(step: StepInput): string {
  const t = step.target;
  const what = t?.name ?? t?.label ?? t?.text ?? '';
  const value = typeof step.value === 'string' ? step.value : undefined;
  switch (step.action) {
    case 'goto':
      return `We start on the ${pageName(value ?? '/')} page.`;
    case 'click':
      return `Click ${what}.`;
    case 'fill':
      return step.sensitive ? `Enter your ${what.toLowerCase()}.` : `Type ${value} into ${what}.`;
    case 'press':
      return `Press ${value?.replace(/\+/g, ' ')}.`;
    case 'hover':
      return `Hover over ${what}.`;
    case 'select':
      return `Choose ${value} from ${what}.`;
    case 'check':
      return value === 'false' ? `Uncheck ${what}.` : `Check ${what}.`;
    case 'scroll':
      return what ? `Scroll to ${what}.` : value === 'up' || value?.startsWith('-') ? 'Scroll back up.' : 'Scroll down the page.';
    case 'wait':
      return what ? `Wait for ${what}.` : '';
  }
}

function pageName(url: string): string {
  const pathname = /^https?:/i.test(url) ? new URL(url).pathname : url;
  const last = pathname.split(/[/?#]/).filter(Boolean).pop();
  if (!last) return /^https?:/i.test(url) ? new URL(url).hostname : 'home';
  return last.replace(/\.html?$/, '').replace(/[-_]+/g, ' ');
}
