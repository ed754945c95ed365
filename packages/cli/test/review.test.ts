import { parseDemo } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { review } from '../dist/ui/review.js';
import { DOWN, ENTER, terminal } from './terminal.js';

const demo = parseDemo({
  url: 'http://localhost:3000',
  title: 'Sign up',
  steps: [
    { action: 'goto', value: '/', narration: 'Home.' },
    { action: 'click', target: { name: 'Sign up' }, narration: 'Click sign up.' },
    { action: 'fill', target: { label: 'Email' }, value: 'a@b.c', narration: 'Type it.' },
  ],
});

describe('review of step cards in the terminal', () => {
  it('edits, deletes, adds and moves cards, then confirms', async () => {
    const t = terminal();
    const result = review(demo, t);
    // edit step 2's narration
    await t.answer('Review the step cards', DOWN, ENTER);
    await t.answer('Which step?', DOWN, ENTER);
    await t.answer('Edit what?', ENTER);
    await t.answer('Narration', '\x15', 'Create your account.', ENTER); // Ctrl-U clears the line
    // edit step 2's target
    await t.answer('Review the step cards', DOWN, ENTER);
    await t.answer('Which step?', DOWN, ENTER);
    await t.answer('Edit what?', DOWN, ENTER);
    await t.answer('Target', '\x15', 'role=button name="Create account"', ENTER);
    // delete step 3
    await t.answer('Review the step cards', DOWN, DOWN, DOWN, DOWN, ENTER);
    await t.answer('Delete which step?', DOWN, DOWN, ENTER);
    await t.answer('Delete step 3?', ENTER);
    // add "press Enter" at the start, then move it to the end
    await t.answer('Review the step cards', DOWN, DOWN, ENTER);
    await t.answer('Describe the new step', 'press Enter — Send the form.', ENTER);
    await t.answer('Where?', ENTER);
    await t.answer('Review the step cards', DOWN, DOWN, DOWN, ENTER);
    await t.answer('Move which step?', ENTER);
    await t.answer('To where?', DOWN, DOWN, ENTER);
    await t.answer('Review the step cards', ENTER);
    const approved = await result;
    expect(approved.steps.map((s) => [s.id, s.action, s.narration])).toEqual([
      ['s1', 'goto', 'Home.'],
      ['s2', 'click', 'Create your account.'],
      ['s3', 'press', 'Send the form.'],
    ]);
    expect(approved.steps[1]?.target).toEqual({ role: 'button', name: 'Create account' });
  });

  it('keeps the cards unchanged when an added line cannot be read', async () => {
    const t = terminal();
    const result = review(demo, t);
    await t.answer('Review the step cards', DOWN, DOWN, ENTER);
    await t.answer('Describe the new step', 'dance wildly', ENTER);
    await t.answer('Where?', ENTER);
    await t.answer('cannot understand "dance wildly"');
    await t.answer('Review the step cards', ENTER);
    expect((await result).steps).toHaveLength(3);
  });

  it('cancel keeps the plan and says how to resume', async () => {
    const t = terminal();
    const result = review(demo, t).catch((e: unknown) => e);
    await t.answer('Review the step cards', DOWN, DOWN, DOWN, DOWN, DOWN, ENTER);
    expect(await result).toMatchObject({ code: 'SR_USAGE', hint: expect.stringContaining('--resume') });
  });
});
