import path from 'node:path';
import { scriptParser } from '../builtins/script-parser.js';
import type { ResolvedConfig } from '../config.js';
import { withContext } from '../errors.js';
import type { Step } from '../schema/demo.js';
import type { PlanStepInput } from '../types.js';
import { createContext } from './context.js';
import type { RunOptions } from './options.js';
import { RunScope } from './scope.js';

/**
 * "Describe the step by hand": turn the user's sentence into replacement steps with the parse
 * plugin's single-step mode (the script parser when the plugin has none). Core calls it for a
 * `{ describe }` answer, inside the process that holds the live page; the CLI's prompt may call it too.
 */
export async function planStep(
  config: ResolvedConfig,
  runDir: string,
  input: PlanStepInput,
  options: RunOptions = {},
): Promise<Step[]> {
  // A scope of its own that releases nothing: the run it belongs to is still recording.
  const scope = new RunScope(config, runDir, options);
  try {
    return await planStepIn(scope, input);
  } finally {
    await scope.bus.flush().catch(() => {});
  }
}

/** planStep within a run that is open in this process. */
export async function planStepIn(scope: RunScope, input: PlanStepInput): Promise<Step[]> {
  const parse = scope.config.slots.parse;
  const plugin = parse.planStep ? parse : scriptParser();
  const ctx = createContext(scope, 'parse', plugin.name, path.join(scope.ref.dir, 'parse', 'steps'));
  try {
    // The replacement's narration is in the demo's language (the config's when the demo names none).
    const language = input.demo.language ?? scope.config.language;
    return await plugin.planStep!(language ? { ...input, demo: { ...input.demo, language } } : input, ctx);
  } catch (err) {
    throw withContext(err, { stage: 'parse', plugin: plugin.name });
  }
}
