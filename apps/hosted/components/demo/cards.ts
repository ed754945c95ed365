import type { Step } from '@showrunner/core';

// Pure helpers of the step-card editor: list edits and placing an API error on its card.

/** The browser actions, in the order the card's menu lists them. */
export const ACTIONS = [
  'goto',
  'click',
  'fill',
  'press',
  'hover',
  'select',
  'check',
  'scroll',
  'wait',
] as const satisfies readonly Step['action'][];

/** The ways a target can find its element, semantic first (as the recorder tries them). */
export const TARGET_KEYS = ['role', 'name', 'label', 'text', 'placeholder', 'testId', 'css'] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];

/** Actions that act on an element (goto never does; the rest may). */
export const TAKES_TARGET: ReadonlySet<string> = new Set([
  'click',
  'fill',
  'hover',
  'select',
  'check',
  'press',
  'scroll',
  'wait',
]);
/** Actions that take a value. */
export const TAKES_VALUE: ReadonlySet<string> = new Set(['goto', 'fill', 'press', 'select', 'check', 'scroll', 'wait']);

/** What the value means for each action (the value field's hint). */
export const VALUE_HINT: Record<string, string> = {
  goto: 'Address or path, e.g. /settings',
  fill: 'Text to type',
  press: 'Key, e.g. Enter or Control+K',
  select: 'Option label',
  check: '"false" unchecks',
  scroll: 'down, up, top, bottom or pixels',
  wait: 'Milliseconds',
};

let counter = 0;
/** A step id no other card has (SAFE_ID: letters, digits, `-`). */
export function newStepId(taken: Iterable<string>): string {
  const ids = new Set(taken);
  let id: string;
  do id = `n${Date.now().toString(36)}-${++counter}`;
  while (ids.has(id));
  return id;
}

/** A blank card: a click whose target the person fills in (or re-plans from a sentence). */
export function blankStep(taken: Iterable<string>): Step {
  return { id: newStepId(taken), action: 'click', narration: '' };
}

/** `list` with the item at `from` moved to `to`. */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return [...list];
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

/**
 * `cards` with the card at `index` replaced by `steps` (a re-plan may answer with more than one);
 * ids that another card already has are renamed so the list stays valid.
 */
export function replaceAt(cards: readonly Step[], index: number, steps: readonly Step[]): Step[] {
  const others = cards.filter((_, i) => i !== index).map((s) => s.id);
  const taken = new Set(others);
  const fresh = steps.map((step) => {
    const id = taken.has(step.id) ? newStepId(taken) : step.id;
    taken.add(id);
    return { ...step, id };
  });
  return [...cards.slice(0, index), ...fresh, ...cards.slice(index + 1)];
}

/** An error placed on a card: which field of it, and what to say. */
export interface CardError {
  field?: string;
  message: string;
}

/**
 * Where an API error about the cards belongs: `steps.3.target.name` (or `step: 3`) → card 3, field
 * `target`. Undefined when it names no card (shown above the list instead).
 */
export function cardOfError(err: {
  field?: string;
  step?: number;
  message: string;
}): { index: number; error: CardError } | undefined {
  const match = /^steps\.(\d+)(?:\.([A-Za-z]+))?/.exec(err.field ?? '');
  const index = match ? Number(match[1]) : err.step;
  if (index === undefined || Number.isNaN(index)) return undefined;
  return { index, error: { field: match?.[2], message: err.message.replace(/^steps\.\d+(\.[\w.]+)?:\s*/, '') } };
}
