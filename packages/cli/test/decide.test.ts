import { parseDemo, resolveConfig, ShowrunnerError, type StepFailure } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { terminalDecide } from '../dist/ui/decide.js';
import { DOWN, ENTER, terminal } from './terminal.js';

const step = parseDemo({ url: '/', steps: [{ id: 'ghost', action: 'click', target: { name: 'Teleport' } }] }).steps[0]!;
const failure: StepFailure = {
  step,
  index: 3,
  attempt: 1,
  error: new ShowrunnerError('SR_STEP_TARGET_NOT_FOUND', 'No element matches name="Teleport".'),
  screenshot: 'record/failures/4-ghost-1.png',
  pageUrl: 'http://localhost:3000/dashboard',
};

describe('--on-fail ask: the failure choice in the terminal', () => {
  it.each([
    ['retry', []],
    ['skip', [DOWN]],
    ['abort', [DOWN, DOWN, DOWN]],
  ] as const)('answers %s', async (answer, keys) => {
    const t = terminal();
    const decide = terminalDecide(await resolveConfig({}), '/tmp/run', () => {}, t);
    const decision = decide(failure, { signal: new AbortController().signal });
    await t.answer('What should happen to step 4?', ...keys, ENTER);
    expect(await decision).toBe(answer);
    expect(t.screen()).toContain('SR_STEP_TARGET_NOT_FOUND');
    expect(t.screen()).toContain('record/failures/4-ghost-1.png');
  });

  it('describes the step by hand, parsed by the parse stage into replacement steps', async () => {
    const t = terminal();
    const decide = terminalDecide(await resolveConfig({}), '/tmp/run', () => {}, t);
    const decision = decide(failure, { signal: new AbortController().signal });
    await t.answer('What should happen to step 4?', DOWN, DOWN, ENTER);
    await t.answer('What should the browser do instead?', 'click "Menu" — Open the menu first.', ENTER);
    expect(await decision).toEqual({
      replace: [{ id: 'ghost.1', action: 'click', target: { name: 'Menu' }, narration: 'Open the menu first.' }],
    });
  });
});
