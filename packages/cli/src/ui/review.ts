import type { Readable, Writable } from 'node:stream';
import { confirm, isCancel, log, note, select, text } from '@clack/prompts';
import { type Demo, parseDemo, parseLine, ShowrunnerError, type Step, type Target } from '@showrunner/core';
import { clean } from './clean.js';
import { formatError } from './errors.js';

/** Streams the prompts use; tests pass their own. */
export interface PromptIo {
  input?: Readable;
  output?: Writable;
}

/**
 * One step card: number, action, target and value, and the narration underneath. Steps come from a
 * model or a demo file, so the card is cleaned of terminal control.
 */
export function card(step: Step, index: number): string {
  const head = `${String(index + 1).padStart(2)}. ${step.action.padEnd(6)} ${[formatTarget(step.target), formatValue(step)].filter(Boolean).join(' → ')}`;
  return clean(step.narration ? `${head}\n      “${step.narration}”` : head);
}

/**
 * Show the planned step cards and let the person edit a card's narration, target or value, delete,
 * move or add cards, then confirm. Called by `showrunner run` between planning and recording.
 */
export async function review(demo: Demo, io: PromptIo = {}): Promise<Demo> {
  const opts = { input: io.input, output: io.output ?? process.stderr };
  let steps = [...demo.steps];
  const ask: Ask = async (prompt) => {
    const answer = await prompt;
    return isCancel(answer) ? undefined : (answer as never);
  };
  const pickStep = (message: string) =>
    ask(select({ ...opts, message, options: steps.map((s, i) => ({ value: i, label: card(s, i).split('\n')[0] ?? '' })) }));

  for (;;) {
    note(steps.map(card).join('\n'), clean(demo.title ?? 'Planned steps'), opts);
    const action = await ask(
      select({
        ...opts,
        message: 'Review the step cards',
        options: [
          { value: 'record', label: `Record these ${steps.length} steps` },
          { value: 'edit', label: 'Edit a step' },
          { value: 'add', label: 'Add a step' },
          { value: 'move', label: 'Move a step' },
          { value: 'delete', label: 'Delete a step' },
          { value: 'cancel', label: 'Cancel' },
        ],
      }),
    );
    if (action === 'record') return parseDemo({ ...demo, steps }, 'reviewed demo');
    if (action === undefined || action === 'cancel') {
      throw new ShowrunnerError('SR_USAGE', 'Recording cancelled at review; the plan is kept in the run folder.', {
        hint: 'Resume with `showrunner record --resume <run folder>`.',
      });
    }
    const next = [...steps];
    if (action === 'edit') {
      const i = await pickStep('Which step?');
      if (i === undefined) continue;
      const edited = await editStep(next[i]!, ask, opts);
      if (edited) next[i] = edited;
    } else if (action === 'add') {
      const line = await ask(
        text({ ...opts, message: 'Describe the new step like a script line', placeholder: 'click "Save" — Save your changes.' }),
      );
      if (!line) continue;
      const at = await ask(select({ ...opts, message: 'Where?', options: positions(steps) }));
      if (at === undefined) continue;
      try {
        next.splice(at, 0, { ...parseLine(line), id: freshId(steps) } as Step);
      } catch (err) {
        log.error(formatError(err), opts);
        continue;
      }
    } else if (action === 'move') {
      const from = await pickStep('Move which step?');
      if (from === undefined) continue;
      const to = await ask(select({ ...opts, message: 'To where?', options: positions(steps.filter((_, i) => i !== from)) }));
      if (to === undefined) continue;
      const [moved] = next.splice(from, 1);
      next.splice(to, 0, moved!);
    } else if (action === 'delete') {
      const i = await pickStep('Delete which step?');
      if (i === undefined || steps.length === 1) continue;
      if (await ask(confirm({ ...opts, message: `Delete step ${i + 1}?` }))) next.splice(i, 1);
    }
    try {
      steps = parseDemo({ ...demo, steps: next }, 'edited demo').steps;
    } catch (err) {
      log.error(formatError(err), opts); // keep the last valid cards
    }
  }
}

type Ask = <T>(prompt: Promise<T>) => Promise<Exclude<T, symbol> | undefined>;

async function editStep(step: Step, ask: Ask, opts: { input?: Readable; output: Writable }): Promise<Step | undefined> {
  const field = await ask(
    select({
      ...opts,
      message: 'Edit what?',
      options: [
        { value: 'narration', label: 'Narration', hint: clean(step.narration ?? '') },
        { value: 'target', label: 'Target', hint: formatTarget(step.target) || 'none' },
        { value: 'value', label: 'Value', hint: formatValue(step) || 'none' },
      ],
    }),
  );
  if (!field) return undefined;
  const current =
    field === 'narration' ? clean(step.narration ?? '') : field === 'target' ? formatTarget(step.target) : formatValue(step);
  const message =
    field === 'target'
      ? 'Target, e.g. role=button name="Save", or just the visible text'
      : field === 'value'
        ? 'Value'
        : 'Narration';
  const answer = await ask(text({ ...opts, message, initialValue: current.replace(/^"|"$/g, '') }));
  if (answer === undefined) return undefined;
  if (field === 'narration') return { ...step, narration: answer };
  if (field === 'target') return { ...step, target: parseTarget(answer), resolved: undefined };
  const env = /^\$([A-Za-z_]\w*)$/.exec(answer.trim())?.[1];
  return { ...step, value: env && step.action === 'fill' ? { env } : answer };
}

/** `role=button name="Save"` → { role, name }; plain text → { name }. */
export function parseTarget(input: string): Target {
  const pairs = [...input.matchAll(/(role|name|text|label|placeholder|testId|css)=("([^"]*)"|\S+)/g)];
  if (!pairs.length) return { name: input.trim() };
  return Object.fromEntries(pairs.map((m) => [m[1], m[3] ?? m[2]]));
}

/** `role="button" name="Save"`; values cleaned of terminal control before they are quoted. */
function formatTarget(target: Target | undefined): string {
  if (!target) return '';
  return Object.entries(target)
    .map(([k, v]) => `${k}=${JSON.stringify(typeof v === 'string' ? clean(v) : v)}`)
    .join(' ');
}

function formatValue(step: Step): string {
  if (typeof step.value === 'object') return clean(`$${step.value.env}`);
  return step.value === undefined ? '' : JSON.stringify(clean(step.value));
}

const positions = (steps: Step[]) => [
  { value: 0, label: 'At the start' },
  ...steps.map((s, i) => ({ value: i + 1, label: `After ${i + 1}. ${s.action} ${formatTarget(s.target) || formatValue(s)}` })),
];

function freshId(steps: Step[]): string {
  for (let n = steps.length + 1; ; n++) if (!steps.some((s) => s.id === `s${n}`)) return `s${n}`;
}
