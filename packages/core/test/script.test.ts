import { parseLine, parseScript, type ShowrunnerError, type StepInput, scriptParser } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { parseContext } from './parse-context.js';

const cases: [string, Partial<StepInput>][] = [
  ['go to /login', { action: 'goto', value: '/login' }],
  ['Open https://app.example.com/dashboard', { action: 'goto', value: 'https://app.example.com/dashboard' }],
  ['Navigate to "/settings/profile"', { action: 'goto', value: '/settings/profile' }],
  ['visit example.com', { action: 'goto', value: 'example.com' }],
  ['Click "Sign up"', { action: 'click', target: { name: 'Sign up' } }],
  ['click on the "Save" button', { action: 'click', target: { role: 'button', name: 'Save' } }],
  ['Tap the link "Docs"', { action: 'click', target: { role: 'link', name: 'Docs' } }],
  ['press “Continue”', { action: 'click', target: { name: 'Continue' } }],
  ["select 'Billing' tab", { action: 'click', target: { role: 'tab', name: 'Billing' } }],
  ['Type "ada@example.com" into "Email"', { action: 'fill', target: { label: 'Email' }, value: 'ada@example.com' }],
  ['enter "Ada Lovelace" in the "Full name" field', { action: 'fill', target: { label: 'Full name' }, value: 'Ada Lovelace' }],
  ['Fill "Company" with "Acme"', { action: 'fill', target: { label: 'Company' }, value: 'Acme' }],
  ['fill in the "Search" box with "invoices"', { action: 'fill', target: { label: 'Search' }, value: 'invoices' }],
  [
    'type $DEMO_PASSWORD into "Password"',
    { action: 'fill', target: { label: 'Password' }, value: { env: 'DEMO_PASSWORD' }, sensitive: true },
  ],
  ['Press Enter', { action: 'press', value: 'Enter' }],
  ['press the Tab key', { action: 'press', value: 'Tab' }],
  ['Hit Esc', { action: 'press', value: 'Escape' }],
  ['press Ctrl+K', { action: 'press', value: 'Control+K' }],
  ['press cmd + shift + p', { action: 'press', value: 'Meta+Shift+p' }],
  ['press arrow down', { action: 'press', value: 'ArrowDown' }],
  ['Hover over "Pricing"', { action: 'hover', target: { name: 'Pricing' } }],
  ['hover the "Help" link', { action: 'hover', target: { role: 'link', name: 'Help' } }],
  ['Choose "Pro" from "Plan"', { action: 'select', target: { label: 'Plan' }, value: 'Pro' }],
  ['select "Dark" from the "Theme" dropdown', { action: 'select', target: { label: 'Theme' }, value: 'Dark' }],
  ['Check "Remember me"', { action: 'check', target: { name: 'Remember me' } }],
  ['uncheck the "Email me updates" checkbox', { action: 'check', target: { name: 'Email me updates' }, value: 'false' }],
  ['Scroll down', { action: 'scroll', value: 'down' }],
  ['scroll up 300 pixels', { action: 'scroll', value: '-300' }],
  ['scroll down by 600px', { action: 'scroll', value: '600' }],
  ['Scroll to the bottom of the page', { action: 'scroll', value: 'bottom' }],
  ['scroll to "Frequently asked questions"', { action: 'scroll', target: { text: 'Frequently asked questions' } }],
  ['Wait 2 seconds', { action: 'wait', value: '2000' }],
  ['wait 1.5s', { action: 'wait', value: '1500' }],
  ['wait for 300 ms', { action: 'wait', value: '300' }],
  ['Wait for "Saved" to appear', { action: 'wait', target: { text: 'Saved' } }],
  ['wait until "Report ready" is visible', { action: 'wait', target: { text: 'Report ready' } }],
  ['Then click "Next".', { action: 'click', target: { name: 'Next' } }],
  ['3. Click "Invite"', { action: 'click', target: { name: 'Invite' } }],
  ['- press Enter', { action: 'press', value: 'Enter' }],
];

describe('script parser', () => {
  it.each(cases)('%s', (line, expected) => {
    expect(parseLine(line)).toMatchObject(expected);
  });

  it('takes narration after a separator, and generates it otherwise', () => {
    expect(parseLine('Click "Sign up" — Create your account in one click.').narration).toBe('Create your account in one click.');
    expect(parseLine('click "A -- B" -- Quotes keep their dashes.')).toMatchObject({
      target: { name: 'A -- B' },
      narration: 'Quotes keep their dashes.',
    });
    expect(parseLine('press Enter | Send it.').narration).toBe('Send it.');
    expect(parseLine('Click "Sign up"').narration).toBe('Click Sign up.');
    expect(parseLine('go to /settings').narration).toBe('We start on the settings page.');
    expect(parseLine('choose "Pro" from "Plan"').narration).toBe('Choose Pro from Plan.');
  });

  it('never speaks a secret', () => {
    expect(parseLine('type $DEMO_PASSWORD into "Password"').narration).toBe('Enter your password.');
    expect(parseLine('type "hunter2" into "Password"').narration).toBe('Enter your password.');
  });

  it.each(['make it pop', 'click the big button', 'type into "Email"', 'scroll sideways', 'wait forever', 'press "'])(
    'rejects "%s" quoting the line',
    (line) => {
      let error: ShowrunnerError | undefined;
      try {
        parseScript(`go to /\n\n${line}`);
      } catch (e) {
        error = e as ShowrunnerError;
      }
      expect(error?.code).toBe('SR_SCRIPT_LINE_INVALID');
      expect(error?.message).toBe(`Line 3: cannot understand "${line}".`);
      expect(error?.hint).toContain('click "Sign up"');
    },
  );

  it('reads a whole script with a title, comments and blank lines', async () => {
    const script = ['Title: Invite a teammate', '# setup', 'go to /team', '', '// the main part', 'click "Invite"'].join('\n');
    const { demo } = await scriptParser().run({ url: 'http://localhost:3000', description: script }, parseContext());
    expect(demo.title).toBe('Invite a teammate');
    expect(demo.steps.map((s) => [s.id, s.action])).toEqual([
      ['s1', 'goto'],
      ['s2', 'click'],
    ]);
  });

  it('plans replacement steps in single-step mode', async () => {
    const { demo } = await scriptParser().run({ url: 'http://x', description: 'go to /\nclick "Old"' }, parseContext());
    const steps = await scriptParser().planStep!({ demo, index: 1, instruction: 'click "Menu"\n\nclick "New"' }, parseContext());
    expect(steps.map((s) => s.id)).toEqual(['s2.1', 's2.2']);
    expect(steps[1]?.target).toEqual({ name: 'New' });
  });
});

describe('$NAME secrets', () => {
  const script = 'go to /login\ntype "ada@example.com" into "Email"\ntype $DEMO_PASSWORD into "Password"';

  it('a trusted run turns $NAME into an env value', async () => {
    const { demo } = await scriptParser().run({ url: 'http://localhost:3000', description: script }, parseContext('trusted'));
    expect(demo.steps[2]).toMatchObject({ action: 'fill', value: { env: 'DEMO_PASSWORD' }, sensitive: true });
  });

  it.each([
    ['type $DEMO_PASSWORD into "Password"', 'DEMO_PASSWORD'],
    ['fill in the "Token" field with $API_TOKEN', 'API_TOKEN'],
    ['  enter $HOME in "Name"  — Type the home folder.', 'HOME'],
  ])('an untrusted run refuses %j with SR_SECRET_REFUSED naming the line', async (line, name) => {
    const description = `go to /login\n# sign in\n${line}\nclick "Sign in"`;
    await expect(
      scriptParser().run({ url: 'https://app.example.com', description }, parseContext('untrusted')),
    ).rejects.toMatchObject({
      code: 'SR_SECRET_REFUSED',
      stage: 'parse',
      field: 'line 3',
      message: `Line 3: this run may not read the secret $${name}.`,
    });
  });

  it('an untrusted run still types quoted text that looks like a variable', async () => {
    const { demo } = await scriptParser().run(
      { url: 'https://app.example.com', description: 'type "$HOME" into "Name"' },
      parseContext('untrusted'),
    );
    expect(demo.steps[0]).toMatchObject({ action: 'fill', value: '$HOME' });
  });

  it('single-step mode follows the same rule', async () => {
    const ctx = parseContext('untrusted');
    const { demo } = await scriptParser().run({ url: 'https://a.test', description: 'go to /\nclick "Old"' }, ctx);
    const err = await scriptParser().planStep!(
      { demo, index: 1, instruction: 'click "Menu"\n\ntype $AWS_SECRET_ACCESS_KEY into "Notes"' },
      ctx,
    ).catch((e: ShowrunnerError) => e);
    expect(err).toMatchObject({ code: 'SR_SECRET_REFUSED', field: 'line 3' });
    const trusted = await scriptParser().planStep!(
      { demo, index: 1, instruction: 'type $DEMO_PASSWORD into "Password"' },
      parseContext('trusted'),
    );
    expect(trusted[0]).toMatchObject({ id: 's2.1', value: { env: 'DEMO_PASSWORD' } });
  });
});
