import { confirm, isCancel, note } from '@clack/prompts';
import { type Demo, ShowrunnerError, type Step } from '@showrunner/core';

/** One step card as a line: number, action, target or value, and the narration underneath. */
export function card(step: Step, index: number): string {
  const target = step.target
    ? Object.entries(step.target)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(' ')
    : '';
  const value = typeof step.value === 'object' ? `$${step.value.env}` : step.value ? JSON.stringify(step.value) : '';
  const head = `${String(index + 1).padStart(2)}. ${step.action.padEnd(6)} ${[target, value].filter(Boolean).join(' → ')}`;
  return step.narration ? `${head}\n      “${step.narration}”` : head;
}

/** Show the planned step cards and ask for approval before recording. */
export async function review(demo: Demo): Promise<Demo> {
  note(demo.steps.map(card).join('\n'), demo.title ?? 'Planned steps', { output: process.stderr });
  const ok = await confirm({ message: `Record these ${demo.steps.length} steps?`, output: process.stderr });
  if (isCancel(ok) || !ok) {
    throw new ShowrunnerError('SR_USAGE', 'Recording cancelled at review; the plan is kept in the run folder.', {
      hint: 'Resume with `showrunner record --resume <run folder>`.',
    });
  }
  return demo;
}
