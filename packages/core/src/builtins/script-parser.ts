import { definePlugin } from '../define.js';
import type { ParsePlugin } from '../plugin.js';
import { checkLimit, LIMITS } from '../policy/limits.js';
import { parseDemo } from '../validate.js';
import { parseLine, parseScript } from './script.js';

/**
 * The offline parse stage: no model, no key. The description is a script of imperative lines
 * (see {@link parseScript}). It is the `parse` slot's default. `$NAME` becomes a secret only in
 * trusted runs (`ctx.policy.trusted`); both methods enforce the script limits.
 */
export function scriptParser(): ParsePlugin {
  return definePlugin({
    name: 'showrunner:script-parser',
    stage: 'parse',
    async run({ url, description, language }, ctx) {
      const { title, steps } = parseScript(description, { trusted: ctx.policy.trusted, language });
      return { demo: parseDemo({ url, title, language, steps }, 'script') };
    },
    /** Single-step mode: each line of the instruction is one replacement step, ids `<failed id>.<n>`. */
    async planStep({ demo, index, instruction }, ctx) {
      checkLimit('descriptionChars', instruction.length, 'The length of the instruction', {
        stage: 'parse',
        field: 'instruction',
        hint: `Keep it within ${LIMITS.descriptionChars} characters, one action per line.`,
      });
      const base = demo.steps[index]?.id ?? `s${index + 1}`;
      const numbered = instruction.split(/\r?\n/).map((line, i) => ({ line, lineNo: i + 1 }));
      const steps = numbered
        .filter(({ line }) => line.trim())
        .map(({ line, lineNo }, n) => ({
          ...parseLine(line, lineNo, { trusted: ctx.policy.trusted, language: demo.language }),
          id: `${base}.${n + 1}`,
        }));
      return parseDemo({ url: demo.url, steps }, 'instruction').steps;
    },
  });
}
