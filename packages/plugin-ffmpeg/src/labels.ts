import type { Step } from '@showrunner/core';

const MAX = 48;

/**
 * A chapter title for a step: its `title`, else the first clause of its narration, else a label
 * from its action ("Click Sign up"). Called once per shot when the input is read.
 */
export function stepLabel(step: Step): string {
  if (step.title?.trim()) return shorten(step.title.trim());
  const said = (step.narration ?? '').replace(/\s+/g, ' ').trim();
  if (said) return shorten(said.split(/(?<=[.!?])\s|[,;:—–]\s/)[0]!.replace(/[.!?]+$/, ''));
  return shorten(actionLabel(step));
}

function actionLabel(step: Step): string {
  const t = step.target;
  const what = t?.name ?? t?.text ?? t?.label ?? t?.placeholder ?? t?.testId ?? t?.css ?? t?.role;
  const value = typeof step.value === 'string' ? step.value : undefined;
  const verb = step.action.charAt(0).toUpperCase() + step.action.slice(1);
  switch (step.action) {
    case 'goto':
      return `Open ${value ?? 'the page'}`;
    case 'fill':
      return what ? `Fill ${what}` : 'Fill in';
    case 'press':
      return `Press ${value ?? 'a key'}`;
    case 'scroll':
      return `Scroll ${value ?? 'down'}`;
    case 'wait':
      return 'Wait';
    default:
      return what ? `${verb} ${what}` : verb;
  }
}

function shorten(text: string): string {
  if (text.length <= MAX) return text;
  const cut = text.slice(0, MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
