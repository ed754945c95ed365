import type { RecordedPart } from '../types.js';

/**
 * The recorded parts on their way from the record stage to a merge plugin's `live`: the recorder
 * pushes, the merge iterates. Unbounded, because the recorder must never wait for the encoder; a part
 * is a list of frame paths, so a backlog costs little. Built by core beside each record attempt.
 */
export class PartChannel implements AsyncIterable<RecordedPart> {
  private readonly queue: RecordedPart[] = [];
  private ended = false;
  private failure: { reason: unknown } | undefined;
  private wake: (() => void) | undefined;

  push(part: RecordedPart): void {
    if (this.ended || this.failure) return;
    this.queue.push(part);
    this.wake?.();
  }

  /** No more parts: the iteration ends after the queued ones. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** True once the recording failed. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The recording failed: the iteration throws `reason` (queued parts are dropped). */
  fail(reason: unknown): void {
    this.failure ??= { reason };
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedPart> {
    for (;;) {
      if (this.failure) throw this.failure.reason;
      const part = this.queue.shift();
      if (part) {
        yield part;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}
