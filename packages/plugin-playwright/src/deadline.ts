import { LIMITS, ShowrunnerError } from '@showrunner/core';
import { PLUGIN_NAME } from './options.js';

/**
 * The recording deadline: wall time of one record attempt, with the time spent waiting for
 * decisions left out (a person may take minutes; the page sits still meanwhile). When it passes,
 * `signal` aborts with SR_LIMIT_EXCEEDED. Created by the recorder at the start of an attempt;
 * paused and resumed serially by the step runner around each decision.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private left: number;
  private since = 0;
  private readonly limitMs: number;

  constructor(limitMs: number) {
    this.limitMs = limitMs;
    this.left = limitMs;
    this.resume();
  }

  /** Aborts with SR_LIMIT_EXCEEDED once the recording ran for `limitMs`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stop counting (a decision is being waited for). No-op when paused or passed. */
  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.left -= Date.now() - this.since;
  }

  /** Count again. No-op while counting or once passed. */
  resume(): void {
    if (this.timer || this.controller.signal.aborted) return;
    this.since = Date.now();
    this.timer = setTimeout(() => this.expire(), Math.max(0, this.left));
  }

  /** Stop the timer for good (the attempt ended). */
  dispose(): void {
    this.pause();
  }

  private expire(): void {
    this.timer = undefined;
    const custom = this.limitMs !== LIMITS.recordingMs;
    this.controller.abort(
      new ShowrunnerError(
        'SR_LIMIT_EXCEEDED',
        `The recording ran for ${this.limitMs} ms (pauses for decisions left out), ` +
          `over the limit recordingMs = ${this.limitMs}${custom ? ' (the maxRecordingMs option)' : ''}.`,
        {
          stage: 'record',
          plugin: PLUGIN_NAME,
          field: 'recordingMs',
          hint: 'Shorten the demo (fewer or shorter steps and waits), or split it in two. The run folder is kept.',
        },
      ),
    );
  }
}
