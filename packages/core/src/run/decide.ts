import * as z from 'zod';
import { ShowrunnerError, withContext } from '../errors.js';
import { LIMITS } from '../policy/limits.js';
import { redactUrl } from '../policy/urls.js';
import { type Step, StepInputSchema, StepSchema } from '../schema/demo.js';
import type { DecisionRecord } from '../schema/run.js';
import type { Answer, Decide, Decider, Decision, FailPolicy, StepFailure } from '../types.js';
import { formatIssues } from '../validate.js';
import { planStepIn } from './plan-step.js';
import type { RunScope } from './scope.js';
import { decided, pause } from './state.js';
import { updateRun } from './store.js';

/** Most steps one answer may put in place of a failed step. */
export const MAX_REPLACEMENT_STEPS = 10;

const AnswerSchema = z.union([
  z.enum(['retry', 'skip', 'abort']),
  z.strictObject({
    replace: z.array(StepInputSchema).min(1, 'a replacement needs at least one step').max(MAX_REPLACEMENT_STEPS),
  }),
  z.strictObject({ describe: z.string().trim().min(1, 'the description is empty').max(LIMITS.descriptionChars) }),
]);
const AnsweredSchema = z.strictObject({ answer: AnswerSchema, by: z.string().min(1).max(200).optional() });

/** The answer a policy gives every failure. `ask` with no one to ask aborts, keeping the run resumable. */
export const policyAnswer = (policy: FailPolicy): 'skip' | 'abort' => (policy === 'skip' ? 'skip' : 'abort');

/**
 * The `decide` the recorder gets for one record attempt. For each failed step: fire `onStepFailed`;
 * reuse a stored answer to the same failure (a resumed run does not ask again); else, with a person to
 * ask, mark the run `paused` with the pending failure and ask, raced against cancellation and the
 * decision deadline (after which the `onFail` policy answers); turn a description into steps with the
 * parse plugin's single-step mode, asking again if that fails; store the decision; resume.
 */
export function recordDecide(scope: RunScope, lease: string, ask: Decider | undefined): Decide {
  const { store, runId } = scope.ref;
  const log = scope.logger('showrunner', 'record');
  return async (failure) => {
    const { step, index, attempt, error } = failure;
    const pageUrl = failure.pageUrl === undefined ? undefined : redactUrl(failure.pageUrl);
    const { screenshot } = failure;
    scope.emit('onStepFailed', { runId, stage: 'record', step, index, error, attempt, screenshot, pageUrl });
    const doc = await store.get(runId);
    const earlier = doc?.state.decisions.find((d) => d.stepId === step.id && d.attempt === attempt && d.answer !== 'abort');
    if (earlier) {
      log.info(`step ${index + 1} (${step.id}): answered "${earlier.answer}" before (${earlier.by}); not asking again`);
      return earlier.answer === 'replace' ? { replace: earlier.steps ?? [] } : earlier.answer;
    }
    const record = (answer: Decision, source: DecisionRecord['source'], by: string, describe?: string): DecisionRecord => ({
      stepId: step.id,
      index,
      attempt,
      answer: typeof answer === 'string' ? answer : 'replace',
      steps: typeof answer === 'string' ? undefined : answer.replace,
      describe,
      by,
      source,
      at: new Date().toISOString(),
      code: error.code,
      message: error.message,
    });
    if (!ask) {
      const answer = policyAnswer(scope.config.onFail);
      await updateRun(store, runId, (d) => {
        decided(d.state, lease, record(answer, 'policy', 'policy'));
        return {};
      });
      return answer;
    }

    // The person looks at the screenshot from another machine (a web page): it must be there first.
    if (screenshot) await scope.options.files?.push(runId, [screenshot], scope.ref.dir, scope.signal).catch(() => {});
    const timeout = scope.policy.decisionTimeoutMs;
    const deadline = timeout === undefined ? undefined : Date.now() + timeout;
    await updateRun(store, runId, (d) => {
      pause(d.state, lease, {
        stepId: step.id,
        index,
        attempt,
        code: error.code,
        message: error.message,
        screenshot,
        pageUrl,
        since: new Date().toISOString(),
        deadline: deadline === undefined ? undefined : new Date(deadline).toISOString(),
      });
      return {};
    });
    scope.emit('onStatusChange', { runId, status: 'paused' });

    let retry: { answer: Answer; error: ShowrunnerError } | undefined;
    let outcome: DecisionRecord;
    for (;;) {
      const got = await askOnce(scope, ask, failure, deadline, retry);
      if (got === 'deadline') {
        const answer = policyAnswer(scope.config.onFail);
        log.warn(`step ${index + 1} (${step.id}): no decision within ${timeout} ms; the onFail policy answers "${answer}"`);
        outcome = record(answer, 'deadline', 'policy');
        break;
      }
      try {
        const { answer, by } = checkAnswer(got, failure);
        const decision = await toDecision(scope, failure, answer);
        const describe = typeof answer === 'object' && 'describe' in answer ? answer.describe : undefined;
        outcome = record(decision, 'person', by ?? 'person', describe);
        break;
      } catch (err) {
        const why = withContext(err, { stage: 'record', step: { index, id: step.id } });
        retry = { answer: got as Answer, error: why };
        log.warn(`step ${index + 1} (${step.id}): the answer could not be used (${why.message.split('\n')[0]}); asking again`);
        await updateRun(store, runId, (d) => {
          if (d.state.pending) d.state.pending.describeError = why.message.slice(0, 2000);
          return {};
        });
      }
    }
    await updateRun(store, runId, (d) => {
      decided(d.state, lease, outcome);
      return {};
    });
    scope.emit('onStatusChange', { runId, status: 'running' });
    return outcome.answer === 'replace' ? { replace: outcome.steps ?? [] } : outcome.answer;
  };
}

/** One question to the person, ended by their answer, the deadline, or cancellation (SR_ABORTED). */
async function askOnce(
  scope: RunScope,
  ask: Decider,
  failure: StepFailure,
  deadline: number | undefined,
  retry: { answer: Answer; error: ShowrunnerError } | undefined,
): Promise<unknown> {
  const stop = new AbortController();
  const signal = AbortSignal.any([scope.signal, stop.signal]);
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<'deadline'>((resolve) => {
      if (deadline !== undefined) timer = setTimeout(() => resolve('deadline'), Math.max(0, deadline - Date.now()));
    });
    const cancelled = new Promise<never>((_, reject) => {
      const fail = () =>
        reject(
          new ShowrunnerError('SR_ABORTED', 'The run was cancelled while a step waited for a decision.', { stage: 'record' }),
        );
      if (scope.signal.aborted) fail();
      scope.signal.addEventListener('abort', fail, { once: true });
    });
    const answered = Promise.resolve().then(() => ask(failure, { signal, deadline, retry }));
    return await Promise.race([answered, late, cancelled]);
  } finally {
    clearTimeout(timer);
    stop.abort(); // tell a decider still waiting that the question is over
  }
}

/** A person's raw answer checked: one of the answers, bare or with who gave it. Throws SR_STEP_INVALID. */
function checkAnswer(raw: unknown, failure: StepFailure): { answer: Answer; by?: string } {
  const wrapped = typeof raw === 'object' && raw !== null && 'answer' in raw;
  const parsed = wrapped ? AnsweredSchema.safeParse(raw) : AnswerSchema.transform((answer) => ({ answer })).safeParse(raw);
  if (parsed.success) return parsed.data as { answer: Answer; by?: string };
  const why = formatIssues(parsed.error).message;
  throw new ShowrunnerError('SR_STEP_INVALID', `Invalid answer for failed step ${failure.index + 1}: ${why}`, {
    stage: 'record',
    step: { index: failure.index, id: failure.step.id },
  });
}

/** A checked answer as the recorder takes it: replacement steps get ids `<failed id>.<n>`; a description is planned. */
async function toDecision(scope: RunScope, failure: StepFailure, answer: Answer): Promise<Decision> {
  if (typeof answer === 'string') return answer;
  const { step, index } = failure;
  const raw: unknown[] =
    'replace' in answer
      ? answer.replace
      : await planStepIn(scope, {
          demo: { url: failure.pageUrl ?? '/', steps: [step] },
          index: 0,
          instruction: answer.describe,
          pageUrl: failure.pageUrl,
          snapshot: failure.snapshot,
        });
  if (!raw.length)
    throw new ShowrunnerError('SR_STEP_INVALID', 'No steps could be planned from the description.', { stage: 'record' });
  const steps: Step[] = raw.slice(0, MAX_REPLACEMENT_STEPS).map((s, i) => {
    const parsed = StepSchema.safeParse({ ...(s as object), id: `${step.id}.${i + 1}` });
    if (parsed.success) return parsed.data;
    throw new ShowrunnerError('SR_STEP_INVALID', `Replacement step ${i + 1}: ${formatIssues(parsed.error).message}`, {
      stage: 'record',
      step: { index, id: step.id },
    });
  });
  return { replace: steps };
}
