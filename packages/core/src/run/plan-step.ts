import { scriptParser } from '../builtins/script-parser.js';
import type { ResolvedConfig } from '../config.js';
import { withContext } from '../errors.js';
import type { Step } from '../schema/demo.js';
import type { PlanStepInput } from '../types.js';
import { createContext, type RunOptions } from './context.js';

/**
 * "Describe the step by hand": turn the user's sentence into replacement steps with the parse
 * plugin's single-step mode (the script parser when the plugin has none). Called by the CLI's
 * failure prompt and the hosted app's decision endpoint, while the recorder waits.
 */
export async function planStep(
  config: ResolvedConfig,
  runDir: string,
  input: PlanStepInput,
  options: RunOptions = {},
): Promise<Step[]> {
  const plugin = config.slots.parse.planStep ? config.slots.parse : scriptParser();
  const ctx = createContext(config, runDir, 'parse', plugin.name, options);
  try {
    return await plugin.planStep!(input, ctx);
  } catch (err) {
    throw withContext(err, { stage: 'parse', plugin: plugin.name });
  }
}
