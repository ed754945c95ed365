import type { RecordedPart, RecordInput, Recording, StageContext, StepResult } from '@showrunner/core';
import type { Capture } from './capture.js';
import type { Clock } from './clock.js';

/**
 * Hands the recording to `RecordInput.onPart` as it becomes final, for a merge that encodes while
 * recording. The step loop marks each step's end without waiting; each part goes out once the capture
 * has settled past that moment, in order, one at a time. Built by the recorder when `onPart` is given.
 */
export class PartFeed {
  private chain: Promise<void> = Promise.resolve();
  /** Recording time the last part reached; below 0 until the first part (which takes the t = 0 frame). */
  private sentMs = -1;

  private readonly capture: Capture;
  private readonly clock: Clock;
  private readonly onPart: NonNullable<RecordInput['onPart']>;
  private readonly ctx: StageContext;
  private readonly geometry: RecordedPart['geometry'];

  constructor(
    capture: Capture,
    clock: Clock,
    onPart: NonNullable<RecordInput['onPart']>,
    geometry: RecordedPart['geometry'],
    ctx: StageContext,
  ) {
    this.capture = capture;
    this.geometry = geometry;
    this.clock = clock;
    this.onPart = onPart;
    this.ctx = ctx;
  }

  /** A step ended (done, skipped or replaced): everything up to the recording clock's now is final. */
  mark(steps: readonly StepResult[]): void {
    const untilMs = this.clock.now();
    const wall = Date.now();
    const list = [...steps];
    this.chain = this.chain.then(async () => {
      await this.capture.settled(wall);
      this.send(list, untilMs);
    });
  }

  /** The recording ended: the last part, with the recording as the stage returns it. */
  async finish(recording: Recording, steps: readonly StepResult[]): Promise<void> {
    await this.chain;
    this.send([...steps], recording.durationMs, recording);
  }

  private send(steps: StepResult[], untilMs: number, recording?: Recording): void {
    const frames = this.capture.framesBetween(this.clock, this.sentMs, untilMs);
    this.sentMs = Math.max(this.sentMs, untilMs);
    try {
      this.onPart({ frames, steps, untilMs, geometry: this.geometry, recording });
    } catch (err) {
      this.ctx.log.warn(`a recorded part was refused: ${(err as Error).message}`); // the merge then encodes after the recording
    }
  }
}
