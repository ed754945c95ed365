/**
 * The recording clock: ms since the first captured frame, minus the time spent on failed attempts.
 * While a step fails and `decide` is asked (a person may take minutes), the clock is paused and the
 * frames of that span are later dropped, so the recording stays continuous. Used serially by the
 * step runner (pause/resume/now) and by the capture when it stops (at).
 */
export class Clock {
  private origin = 0;
  private readonly pauses: { from: number; to: number }[] = [];
  private open: number | undefined;

  /** Set t = 0 to a wall-clock time (epoch ms). */
  start(originWall: number): void {
    this.origin = originWall;
  }

  get startedAt(): number {
    return this.origin;
  }

  /** Stop counting from `fromWall` (the start of the failed attempt). Idempotent while paused. */
  pause(fromWall: number): void {
    if (this.open !== undefined) return;
    const lastEnd = this.pauses.at(-1)?.to ?? this.origin;
    this.open = Math.max(fromWall, lastEnd);
  }

  /** Count again from now. No-op when not paused. */
  resume(): void {
    if (this.open === undefined) return;
    this.pauses.push({ from: this.open, to: Date.now() });
    this.open = undefined;
  }

  /** Recording time now; while paused, the time at which the pause began. */
  now(): number {
    const wall = this.open ?? Date.now();
    const skipped = this.pauses.reduce((sum, p) => sum + (p.to - p.from), 0);
    return Math.max(0, wall - this.origin - skipped);
  }

  /** Recording time of a wall-clock instant, or undefined when it falls in a paused span. */
  at(wall: number): number | undefined {
    let skipped = 0;
    for (const { from, to } of this.pauses) {
      if (wall >= to) skipped += to - from;
      else if (wall >= from) return undefined;
    }
    if (this.open !== undefined && wall >= this.open) return undefined;
    return wall - this.origin - skipped;
  }
}
