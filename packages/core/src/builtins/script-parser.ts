import { definePlugin } from '../define.js';
import type { ParsePlugin } from '../plugin.js';
import { parseDemo } from '../validate.js';
import { parseLine, parseScript } from './script.js';

/**
 * The offline parse stage: no model, no key. The description is a script of imperative lines
 * (see {@link parseScript}). It is the `parse` slot's default.
 */
export function scriptParser(): ParsePlugin {
  return definePlugin({
    name: 'showrunner:script-parser',
    stage: 'parse',
    async run({ url, description }) {
      const { title, steps } = parseScript(description);
      return { demo: parseDemo({ url, title, steps }, 'script') };
    },
    async planStep({ demo, index, instruction }) {
      const base = demo.steps[index]?.id ?? `s${index + 1}`;
      const lines = instruction.split(/\r?\n/).filter((l) => l.trim());
      const steps = lines.map((l, i) => ({ ...parseLine(l, i + 1), id: `${base}.${i + 1}` }));
      return parseDemo({ url: demo.url, steps }, 'instruction').steps;
    },
  });
}
