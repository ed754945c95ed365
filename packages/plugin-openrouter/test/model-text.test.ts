// Text from a model or its server is cleaned before it is used: no terminal escapes in log lines and
// errors, no \r or NUL in a title that later names chapters, captions and ffmpeg metadata.
import openrouter from '@showrunner/plugin-openrouter';
import { describe, expect, it } from 'vitest';
import { modelStep, planRun } from './helpers.js';
import { completion, failure, useModelServers } from './model-server.js';

const REQUEST = { url: 'http://127.0.0.1:9/app', description: 'Show how a new user creates a project.' };
const server = useModelServers();
const base = (baseURL: string) => ({ baseURL, apiKey: 'test-key', model: 'primary', snapshot: false as const, backoffBaseMs: 1 });

/** Control characters that may never survive: C0 but tab and newline, DEL, C1. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/** Terminal escapes, metadata breakers and 8-bit controls a model (steered by a page) could emit. */
const HOSTILE = [
  '\x1b[2J\x1b[H', // clear the screen, cursor home
  '\x1b]0;pwned\x07', // set the terminal title (OSC, BEL-terminated)
  '\x1b]8;;https://evil.example\x1b\\', // hyperlink (OSC, ST-terminated)
  '\x1b[6n', // ask the terminal to answer (input injection)
  '\x1bc', // full terminal reset
  '\x1b[31;1m', // colour
  '\u009b31m', // 8-bit CSI
  '\u0085', // next line (C1)
  '\r', // carriage return: overwrites the line; breaks ffmetadata
  '\0', // NUL: truncates C strings
  '\b\b\b', // backspaces over what came before
  '\x7f', // DEL
  '\x0b\x0c', // vertical tab, form feed
  '\x1b', // a lone ESC at the end
];
const dirty = (text: string, i: number) => `${HOSTILE[i % HOSTILE.length]}${text}${HOSTILE[(i + 7) % HOSTILE.length]}`;

describe('control characters in model text', () => {
  it('are stripped from the title, narration, values and targets; visible text stays', async () => {
    const plan = {
      title: `\x1b[1mCreate your\nfirst project\r\0${HOSTILE.join('')}`,
      steps: [
        modelStep('click', { role: 'button', name: dirty('New project', 0) }, null, dirty('You start a new project.', 1)),
        modelStep(
          'fill',
          { label: dirty('Project name', 2) },
          dirty('Launch plan', 3),
          dirty('Give it a name.\nA short one.', 4),
        ),
        modelStep('press', null, dirty('Enter', 5), dirty('Press Enter.', 6)),
        ...HOSTILE.map((h, i) => modelStep('hover', { text: `Menu${h}` }, null, dirty(`Step ${i}.`, i))),
      ],
    };
    const api = await server([completion(plan)]);
    const t = await planRun(openrouter({ ...base(api.baseURL), maxSteps: 40 }), REQUEST);
    const { demo } = await t.run();

    const through = collect(demo).filter((s) => CONTROL.test(s));
    expect(through).toEqual([]);
    expect(demo.title).toBe('Create your first project'); // one line
    expect(demo.steps[0]).toMatchObject({
      target: { role: 'button', name: 'New project' },
      narration: 'You start a new project.',
    });
    expect(demo.steps[1]).toMatchObject({ target: { label: 'Project name' }, value: 'Launch plan' });
    expect(demo.steps[1]!.narration).toBe('Give it a name.\nA short one.'); // newline kept
    expect(demo.steps[2]!.value).toBe('Enter');
    expect(demo.steps.slice(3).map((s) => s.target?.text)).toEqual(HOSTILE.map(() => expect.stringMatching(/^Menu[^\x1b]*$/)));
    expect(CONTROL.test(t.text())).toBe(false);
    expect(t.text()).toMatch(/info Planned "Create your first project": 17 steps/);
  });

  it('are stripped from what a server or an invalid reply puts in log lines and errors', async () => {
    const api = await server([
      failure(503, '\x1b]0;pwned\x07Upstream \x1b[31mdown\r\0'),
      completion(`\x1b[2J\x1b[HSure!\r here is the plan \x1b]8;;https://evil.example\x1b\\`),
      completion('\x1b[2J not json either \u009b1m'),
    ]);
    const t = await planRun(openrouter(base(api.baseURL)), REQUEST);
    const error = (await t.run().catch((e: unknown) => e)) as Error;

    expect(error).toMatchObject({ code: 'SR_PLAN_INVALID' });
    expect(error.message).toMatch(/not valid JSON/);
    expect(CONTROL.test(error.message)).toBe(false);
    expect(CONTROL.test(t.text())).toBe(false);
    expect(t.text()).toMatch(/warn primary: HTTP 503 in \d+ ms \(Upstream down\)/);
  });
});

/** Every string inside a value. */
function collect(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(collect);
  return [];
}
