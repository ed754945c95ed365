import { PassThrough } from 'node:stream';
import { parseDemo, ShowrunnerError } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { clean } from '../dist/ui/clean.js';
import { formatError } from '../dist/ui/errors.js';
import { createProgress } from '../dist/ui/progress.js';
import { card } from '../dist/ui/review.js';
import { project, showrunner } from './bin.js';

/** Terminal control a page, a model or a demo could smuggle into printed text. */
const HOSTILE = [
  '\x1b]0;pwned\x07', // window title (OSC, BEL)
  '\x1b]0;pwned title\x1b\\', // window title (OSC, ST)
  '\x9d0;pwned\x9c', // window title (8-bit OSC and ST)
  '\x1b]52;c;cHduZWQ=\x07', // clipboard write
  '\x1b]8;;https://pwned.example\x1b\\link\x1b]8;;\x1b\\', // hyperlink
  '\x1bP1$qm\x1b\\', // DCS request
  '\x1b[2J', // clear screen
  '\x1b[1;1H', // cursor home
  '\x1b[?1049h', // alternate screen
  '\x9b2J', // 8-bit CSI clear
  '\x1bc', // full reset
  '\x1b(0', // line-drawing charset
  '\r', // lone carriage return
  '\b\b\b', // backspaces
  '\x07', // bell
  '\x00', // NUL
  '\x7f', // DEL
  '\x85', // NEL (C1)
  '\x1b]0;pwned', // unterminated OSC
  '\x1b[', // unterminated CSI
];
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const ALL = HOSTILE.join(' ');

/** Fails unless `text` holds no terminal control and none of the smuggled payloads. */
function expectClean(text: string, what: string) {
  expect(text, what).not.toMatch(CONTROL);
  expect(text, what).not.toContain('pwned');
}

describe('clean() and what the CLI prints', () => {
  it(`removes all ${HOSTILE.length} kinds of terminal control and keeps the text around them`, () => {
    let through = 0;
    for (const h of HOSTILE) {
      const out = clean(`before ${h} after\nnext\tcell`);
      if (CONTROL.test(out) || out.includes('pwned')) through++;
      expect(out.startsWith('before '), JSON.stringify(h)).toBe(true);
      expect(out.endsWith('\nnext\tcell'), JSON.stringify(h)).toBe(true);
    }
    expect(through).toBe(0);
    expect(clean('a\r\nb')).toBe('a\nb');
    expect(clean('café — 日本語 “quotes” → ok')).toBe('café — 日本語 “quotes” → ok');
  });

  it('cleans error messages, hints, files and causes', () => {
    const err = new ShowrunnerError('SR_STEP_TARGET_NOT_FOUND', `No element named "${ALL}"`, {
      file: `/tmp/demo${HOSTILE[0]}.json`,
      hint: `Try ${HOSTILE[6]} again`,
      cause: new Error(`page said ${ALL}`),
    });
    expectClean(formatError(err, true), 'ShowrunnerError');
    expectClean(formatError(new Error(`page said ${ALL}`)), 'unexpected error');
  });

  it('cleans step cards: narration, target and value', () => {
    const demo = parseDemo({
      url: 'https://example.com',
      steps: [{ action: 'fill', target: { name: `Email${ALL}` }, value: `x${ALL}`, narration: `Type it.${ALL}` }],
    });
    const text = card(demo.steps[0]!, 0);
    expectClean(text, 'card');
    expect(text).toContain('Type it.');
  });

  for (const tty of [false, true]) {
    it(`cleans progress lines, step titles and plugin logs (${tty ? 'spinner' : 'plain lines'})`, async () => {
      const output = Object.assign(new PassThrough(), { isTTY: tty, columns: 100 });
      let screen = '';
      output.on('data', (d) => {
        screen += String(d);
      });
      const ui = createProgress({ verbose: true, output });
      const hooks = ui.plugin.hooks as Record<string, (event: unknown, ctx: unknown) => void>;
      const step = parseDemo({
        url: 'https://example.com',
        steps: [{ action: 'click', title: `Go${ALL}`, target: { name: 'x' } }],
      }).steps[0];
      hooks.onStatusChange!({ runId: 'r', stage: 'record', status: 'running' }, {});
      hooks.onStepStart!({ runId: 'r', stage: 'record', step, index: 0 }, {});
      hooks.onProgress!({ runId: 'r', stage: 'record', done: 1, total: 2, message: `frame ${ALL}` }, {});
      ui.log({ level: 'warn', plugin: 'p', message: `page said ${ALL}` });
      ui.log({ level: 'info', plugin: 'p', message: `console: ${ALL}` });
      hooks.onStatusChange!({ runId: 'r', stage: 'record', status: 'done' }, {});
      await new Promise((r) => setTimeout(r, 150)); // the spinner draws on a timer
      ui.pause();
      expect(screen).toContain('page said');
      expect(screen).not.toContain('pwned');
      for (const h of ['\x1b]', '\x1b[2J', '\x9b', '\x9d', '\x07', '\x00', '\b', '\x85']) expect(screen).not.toContain(h);
      if (!tty) expect(screen).not.toMatch(CONTROL); // the spinner itself draws with escape codes
    });
  }

  it('prints nothing raw from a demo, a plugin log or a failure at the terminal', async () => {
    const hostile = JSON.stringify(`Hello ${ALL}`);
    const dir = await project({
      'showrunner.config.ts': `
import { defineConfig, definePlugin, ShowrunnerError, writeSilence } from '@showrunner/core';
const tts = definePlugin({ name: 'local:quiet', stage: 'tts', fingerprint: 'q1',
  async run({ file }) { const w = await writeSilence(file, 50); return { sampleRate: w.sampleRate, durationMs: w.durationMs }; } });
const record = definePlugin({ name: 'local:page', stage: 'record', async run({ demo }, ctx) {
  ctx.log.warn('page console: ' + demo.steps[0].narration);
  throw new ShowrunnerError('SR_STEP_TARGET_NOT_FOUND', 'No element: ' + ${hostile}, { hint: ${hostile} });
} });
const merge = definePlugin({ name: 'local:none', stage: 'merge', async run() { throw new Error('unreachable'); } });
export default defineConfig({ tts, record, merge });
`,
      'tour.demo.json': JSON.stringify({
        url: 'http://localhost:9/',
        title: `Tour ${ALL}`,
        steps: [{ action: 'goto', value: '/', title: `Home ${ALL}`, narration: `Home ${ALL}` }],
      }),
    });
    const run = await showrunner(dir, '--verbose', 'record', 'tour.demo.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('SR_STEP_TARGET_NOT_FOUND');
    expect(run.stderr).toContain('page console: Home');
    expectClean(run.stderr, 'stderr');
    expectClean(run.stdout, 'stdout');
  });
});
