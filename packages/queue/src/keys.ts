import type { StageName } from '@showrunner/core';

/**
 * Every Redis key and BullMQ name the queue uses, under one prefix, so several deployments (or tests)
 * share one Redis without meeting. BullMQ's own keys are `<prefix>:<stage>:…`.
 */
export class Keys {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** The run's options the workers need (autoApprove, trust): a hash. */
  meta(runId: string): string {
    return `${this.prefix}:meta:${runId}`;
  }

  /** The run's events (hooks of every worker, review and end of run): a stream, replayable from the start. */
  events(runId: string): string {
    return `${this.prefix}:events:${runId}`;
  }

  /** Answers to one failure of one step: a list the record job blocks on (so an answer can't reach another failure). */
  answers(runId: string, stepId: string, attempt: number): string {
    return `${this.prefix}:answer:${runId}:${stepId}:${attempt}`;
  }

  /** Channel on which cancellations reach the workers that hold the run. */
  get cancels(): string {
    return `${this.prefix}:cancel`;
  }
}

/**
 * A job's id: the run, the stage and the attempt it will be, so two processes that decide the same next
 * step from the same state enqueue one job (BullMQ ignores an id it has), while a re-run gets a new one.
 */
export const jobId = (runId: string, stage: StageName, attempt: number): string => `${runId}.${stage}.${attempt}`;
