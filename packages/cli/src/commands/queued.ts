import {
  type Answer,
  type Demo,
  type ErrorCode,
  type HookContext,
  type ParseInput,
  type ResolvedConfig,
  ShowrunnerError,
  type StepFailure,
} from '@showrunner/core';
import type { RunEvent, RunQueue } from '@showrunner/queue';
import { loadQueue } from '../load/queue.js';
import { clean } from '../ui/clean.js';
import { terminalDecide } from '../ui/decide.js';
import { createProgress } from '../ui/progress.js';
import { review } from '../ui/review.js';
import { type RunFlags, type RunSummary, summarize } from './record.js';

/** Flags of `run`/`record` with `--queue`. */
export interface QueueFlags extends RunFlags {
  queue: string;
  prefix?: string;
}

/**
 * `showrunner run … --queue redis://…` (and `record … --queue`): submit the run to the queue and follow
 * it in the terminal as a local run is shown: the same progress, the step cards when the plan waits for
 * review, the failure prompt (or the `--on-fail` / `--ci` answer) when a step fails. Ctrl-C cancels the
 * run. Workers (`showrunner worker`) do the work, on this machine or others.
 */
export async function runQueued(
  config: ResolvedConfig,
  source: { request: ParseInput } | { demo: Demo },
  flags: QueueFlags,
): Promise<RunSummary> {
  const { RunQueue } = await loadQueue();
  const queue = RunQueue.connect({ redis: flags.queue, prefix: flags.prefix, runsDir: config.runsDir });
  try {
    const ui = createProgress({ verbose: flags.verbose, quiet: flags.json });
    const talk = !flags.json && flags.interactive;
    const reviewing = 'request' in source && !flags.yes && talk;
    // Explicit answers only: without a terminal, a plan waits for `--yes` or someone approving it elsewhere
    // (the web app, the API), and a failed step for `--on-fail`/`--ci` or someone answering elsewhere.
    const policy = flags.ci ? 'abort' : flags.onFail;
    const started = Date.now();
    // Workers resolve relative paths against the start URL: a --base-url is applied here, where it was given.
    const base = flags.baseUrl ?? config.baseUrl;
    const absolute = (url: string) => (base ? new URL(url, base).href : url);
    const job =
      'demo' in source
        ? { demo: { ...source.demo, url: absolute(source.demo.url) } }
        : { request: { ...source.request, url: absolute(source.request.url) } };
    const runId = await queue.submit(job, { autoApprove: flags.yes === true || 'demo' in source, by: 'terminal' });
    if (!flags.json) process.stderr.write(`submitted ${runId} to ${queue.keys.prefix}; following it (Ctrl-C cancels)\n`);
    flags.signal.addEventListener('abort', () => void queue.cancel(runId, { by: 'terminal' }).catch(() => {}), { once: true });

    const done = new AbortController();
    let failure: StepFailure | undefined;
    let ended: ShowrunnerError | undefined;
    const onEvent = async ({ hook, event }: RunEvent) => {
      const handler = ui.plugin.hooks?.[hook] as ((e: unknown, ctx: HookContext) => void) | undefined;
      handler?.(event, {} as HookContext);
      if (hook === 'onStepFailed') failure = asFailure(event);
      if (hook !== 'onStatusChange' || event.stage) return;
      const status = String(event.status);
      if (status === 'awaiting_review' && reviewing) {
        ui.pause();
        const plan = (await queue.read(runId)).outputs.parse?.demo;
        if (plan) await queue.approve(runId, await review(plan), { by: 'terminal' });
      } else if (status === 'awaiting_review' && !flags.json) {
        process.stderr.write(`the plan waits for approval (--yes, or approve it elsewhere: queue.approve)\n`);
      } else if (status === 'paused' && failure) {
        const asking = (policy ?? config.onFail) === 'ask' && talk;
        if (asking)
          await queue.answer(runId, await answerAtTerminal(config, queue, runId, failure, ui.pause, flags.signal), {
            by: 'terminal',
          });
        else if (policy === 'skip' || policy === 'abort') await queue.answer(runId, policy, { by: 'policy' });
        else if (!flags.json)
          process.stderr.write(`step ${failure.index + 1} (${failure.step.id}) failed; waiting for an answer (queue.answer)\n`);
      } else if (status === 'done' || status === 'failed' || status === 'cancelled') {
        if (status !== 'done') ended = fromJson(event.error, status);
        done.abort();
      }
    };
    await queue.follow(runId, onEvent, { signal: done.signal });
    if (ended) throw ended;
    return await summarize(await queue.read(runId), config, started);
  } finally {
    await queue.close();
  }
}

async function answerAtTerminal(
  config: ResolvedConfig,
  queue: RunQueue,
  runId: string,
  failure: StepFailure,
  pause: () => void,
  signal: AbortSignal,
): Promise<Answer> {
  const raw = await terminalDecide(config, queue.runDir(runId), pause)(failure, { signal });
  return typeof raw === 'object' && 'answer' in raw ? raw.answer : raw;
}

/** The failure a worker reported, as the terminal prompt takes it (the error rebuilt from its JSON). */
function asFailure(event: RunEvent['event']): StepFailure {
  const e = event as unknown as StepFailure & { error: { code: string; message: string } };
  return { ...e, error: fromJson(e.error, 'failed') };
}

function fromJson(error: unknown, status: string): ShowrunnerError {
  const data = (error ?? {}) as { code?: string; message?: string; [k: string]: unknown };
  const code = (data.code ?? (status === 'cancelled' ? 'SR_ABORTED' : 'SR_STAGE_FAILED')) as ErrorCode;
  const { code: _c, message, ...where } = data;
  return new ShowrunnerError(code, clean(message ?? `The run ${status}.`), where);
}
