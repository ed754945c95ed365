import { isCancel, log, select, text } from '@clack/prompts';
import { type Decider, planStep, type ResolvedConfig } from '@showrunner/core';
import { clean } from './clean.js';
import { formatError } from './errors.js';
import type { PromptIo } from './review.js';

/**
 * `--on-fail ask`: the terminal answers a failed step while the browser waits on the failed page.
 * "Describe" parses the user's sentence with the parse stage's single-step mode.
 */
export function terminalDecide(config: ResolvedConfig, runDir: string, pause: () => void, io: PromptIo = {}): Decider {
  const opts = { input: io.input, output: io.output ?? process.stderr };
  return async (failure) => {
    pause();
    const { step, index, error } = failure;
    log.error(`Step ${index + 1} (${step.id}) failed.\n${formatError(error)}`, opts);
    if (failure.screenshot) log.info(`Screenshot: ${failure.screenshot}`, opts);
    for (;;) {
      const choice = await select({
        message: `What should happen to step ${index + 1}?`,
        ...opts,
        options: [
          { value: 'retry', label: 'Retry it' },
          { value: 'skip', label: 'Skip it', hint: 'the video has one step fewer' },
          { value: 'describe', label: 'Describe it by hand', hint: 'e.g. click "Continue" in the dialog' },
          { value: 'abort', label: 'Abort the run', hint: 'the run folder stays resumable' },
        ],
      });
      if (isCancel(choice)) return 'abort';
      if (choice !== 'describe') return choice as 'retry' | 'skip' | 'abort';
      const instruction = await text({ ...opts, message: 'What should the browser do instead?' });
      if (isCancel(instruction) || !instruction.trim()) continue;
      try {
        const demo = { url: failure.pageUrl ?? '/', steps: [step] };
        const replace = await planStep(config, runDir, {
          demo,
          index: 0,
          instruction,
          pageUrl: failure.pageUrl,
          snapshot: failure.snapshot,
        });
        log.info(
          clean(
            `Replacing it with: ${replace.map((s) => `${s.action} ${JSON.stringify(s.target ?? s.value ?? '')}`).join('; ')}`,
          ),
          opts,
        );
        return { replace };
      } catch (err) {
        log.error(formatError(err), opts);
      }
    }
  };
}
