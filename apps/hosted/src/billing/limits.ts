import { HostedError } from '../errors';
import type { Plan } from './plans';

// The plan's video length checked before anything is recorded. The real length is only known after
// the voice and the recording; what is known at review is the narration's text, and no voice speaks
// faster than FASTEST_UNITS_PER_SECOND, so the estimate below is a floor: a refusal here is never
// wrong, and a video that still comes out too long fails at the merge (src/pipeline/plan-merge.ts).

/** Words (or CJK characters) per second above any voice's speed (espeak-ng's default is ~2.9 words/s). */
export const FASTEST_UNITS_PER_SECOND = 5;

const UNITS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}]+/gu;

/** The least time the cards' narration can take when spoken, in ms. */
export function narrationFloorMs(steps: { narration?: string }[]): number {
  let units = 0;
  // A CJK character is about one syllable, a word elsewhere one or more: each counts one unit.
  for (const step of steps) units += step.narration?.match(UNITS)?.length ?? 0;
  return Math.round((units / FASTEST_UNITS_PER_SECOND) * 1000);
}

/**
 * SR_PLAN_LIMIT (field `steps`) when the cards' narration alone is longer than the plan's
 * maxVideoSeconds, naming the limit and the plan. Called by confirm before the run is approved.
 */
export function checkNarrationLength(plan: Plan, steps: { narration?: string }[]): void {
  const floor = narrationFloorMs(steps);
  if (floor <= plan.maxVideoSeconds * 1000) return;
  throw new HostedError(
    'SR_PLAN_LIMIT',
    `The narration alone takes at least ${Math.ceil(floor / 1000)} s, over the ${plan.name} plan's limit of ${plan.maxVideoSeconds} s per video (maxVideoSeconds). Shorten the narration or upgrade the plan.`,
    { field: 'steps' },
  );
}
