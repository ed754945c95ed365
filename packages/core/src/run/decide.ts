import * as z from 'zod';
import type { ResolvedConfig } from '../config.js';
import { ShowrunnerError } from '../errors.js';
import { callHook } from '../hooks.js';
import { StepInputSchema } from '../schema/demo.js';
import type { Decide, Decider, Decision, FailPolicy, StepFailure } from '../types.js';
import { formatIssues } from '../validate.js';
import { updateRun } from './folder.js';

/** The answer a policy gives every failure. `ask` with no one to ask aborts, keeping the run resumable. */
export function policyDecide(policy: FailPolicy): Decide {
  return async () => (policy === 'skip' ? 'skip' : 'abort');
}

const DecisionSchema = z.union([
  z.enum(['retry', 'skip', 'abort']),
  z.strictObject({ replace: z.array(StepInputSchema).min(1, 'a replacement needs at least one step') }),
]);

/**
 * Wrap the run's answerer for the recorder: fires `onStepFailed`, marks the run `paused` while a
 * person (a `decide` function) is asked, and checks the answer. Replacement steps without ids get
 * `<failed id>.<n>`.
 */
export function guardDecide(config: ResolvedConfig, runDir: string, runId: string, ask?: Decider): Decide {
  const answer = async (failure: StepFailure) => {
    if (!ask) return policyDecide(config.onFail)(failure);
    const raw = await ask(failure, { signal: new AbortController().signal });
    return typeof raw === 'object' && 'answer' in raw ? raw.answer : raw;
  };
  const pause = async (paused: boolean, failure: StepFailure) => {
    await updateRun(runDir, (state) => {
      state.status = paused ? 'paused' : 'running';
      if (paused) state.steps[failure.step.id] = 'failed';
    });
    await callHook(config.plugins, 'onStatusChange', { runId, status: paused ? 'paused' : 'running' });
  };
  return async (failure) => {
    const { step, index, error, attempt } = failure;
    await callHook(config.plugins, 'onStepFailed', { runId, stage: 'record', step, index, error, attempt });
    if (ask) await pause(true, failure);
    const raw = await answer(failure);
    if (ask) await pause(false, failure);
    const parsed = DecisionSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ShowrunnerError(
        'SR_STEP_INVALID',
        `Invalid answer for failed step ${index + 1}: ${formatIssues(parsed.error).message}`,
        {
          stage: 'record',
          step: { index, id: step.id },
        },
      );
    }
    const decision = parsed.data;
    if (typeof decision === 'string') return decision;
    return { replace: decision.replace.map((s, i) => ({ ...s, id: s.id ?? `${step.id}.${i + 1}` })) } satisfies Decision;
  };
}
