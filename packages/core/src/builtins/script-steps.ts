// The steps the offline script parser builds, shared by its English and Chinese sentence forms.
import { ShowrunnerError } from '../errors.js';
import type { StepInput, Target } from '../schema/demo.js';

/** A line being read: its 1-based number and whether `$NAME` is allowed. */
export interface LineRef {
  lineNo: number;
  trusted: boolean;
  /** The demo's language, for narration generated for a line without one. */
  language?: string;
}

/** Builds the step from a sentence form's match; `line` names the line in errors. */
export type Build = (m: string[], line: LineRef) => StepInput;

/** One sentence form. Order matters: the first match wins ("select X from Y" before "select X"). */
export type Form = [RegExp, Build];

/** An anchored, case-insensitive sentence form. */
export function re(body: string): RegExp {
  return new RegExp(`^${body}$`, 'i');
}

/** A key or chord as people write it in English: `enter`, `ctrl + k`, `arrow down`, `f5`, `a`. One capture. */
export const KEY =
  '((?:(?:ctrl|control|cmd|command|meta|alt|option|shift)\\s*\\+\\s*)*' +
  '(?:enter|return|tab|escape|esc|space|backspace|delete|arrow\\s?(?:up|down|left|right)|up|down|left|right|home|end|page\\s?up|page\\s?down|f\\d{1,2}|[a-z0-9]))';

export const goto = (url: string): StepInput => ({ action: 'goto', value: url });

/** A fill step; `$NAME` becomes a secret only when trusted. Fields named like a password are sensitive. */
export function fill(field: string, text: string | undefined, env: string | undefined, at: LineRef): StepInput {
  if (env !== undefined && !at.trusted) {
    throw new ShowrunnerError('SR_SECRET_REFUSED', `Line ${at.lineNo}: this run may not read the secret $${env}.`, {
      stage: 'parse',
      field: `line ${at.lineNo}`,
      hint: 'An untrusted run never reads $NAME: quote the text to type, or use a demo file with a secret the host provides.',
    });
  }
  const value = env ? { env } : (text ?? '');
  const sensitive = env !== undefined || /password|secret|token|密码|密钥|令牌|口令/i.test(field) ? true : undefined;
  return { action: 'fill', target: { label: field }, value, sensitive };
}

/** A target by accessible name, with its ARIA role when the line named one. */
export function target(name: string | undefined, role: string | undefined): Target {
  return role ? { role, name } : { name };
}

/** A spoken key or chord (`ctrl + k`, `arrow down`) as Playwright names it (`Control+k`, `ArrowDown`). */
export function key(spoken: string): string {
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

/** A wait of `amount` seconds, or milliseconds when `unit` starts with `m`. */
export function wait(amount: number, unit: string): StepInput {
  const ms = /^m/i.test(unit) ? amount : amount * 1000;
  return { action: 'wait', value: String(Math.round(ms)) };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A plain spoken line for a step written without narration. Secrets are never spoken. */
export function narrate(step: StepInput): string {
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

/** The last path segment of a URL as words (`/sign-up` → `sign up`), for generated narration. */
export function pageName(url: string): string {
  const pathname = /^https?:/i.test(url) ? new URL(url).pathname : url;
  const last = pathname.split(/[/?#]/).filter(Boolean).pop();
  if (!last) return /^https?:/i.test(url) ? new URL(url).hostname : 'home';
  return last.replace(/\.html?$/, '').replace(/[-_]+/g, ' ');
}
