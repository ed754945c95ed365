import type { Step } from '../schema/demo.js';
import type { DecisionRecord, StepResult } from '../schema/run.js';

/**
 * What a (re-)recording performs once earlier decisions are applied: a step the person skipped is left
 * out, a step they replaced is swapped for its replacement steps (which may carry decisions of their
 * own), so a resumed run keeps the person's choices instead of asking again. `assemble` puts the
 * skipped and replaced steps back into the recorder's results, in demo order.
 */
export function replayPlan(steps: readonly Step[], decisions: readonly DecisionRecord[]) {
  const last = new Map<string, DecisionRecord>();
  for (const d of decisions) if (d.answer === 'skip' || d.answer === 'replace') last.set(d.stepId, d);

  type Item = { kind: 'kept'; step: Step } | { kind: 'decided'; result: StepResult };
  const items: Item[] = [];
  const walk = (list: readonly Step[], depth: number) => {
    for (const step of list) {
      const d = depth < 8 ? last.get(step.id) : undefined; // replacements of replacements, within reason
      if (!d) {
        items.push({ kind: 'kept', step });
        continue;
      }
      const error = { code: d.code, message: d.message };
      items.push({ kind: 'decided', result: { step, status: d.answer === 'skip' ? 'skipped' : 'replaced', error } });
      if (d.answer === 'replace') walk(d.steps ?? [], depth + 1);
    }
  };
  walk(steps, 0);
  const performed = items.flatMap((i) => (i.kind === 'kept' ? [i.step] : []));

  return {
    /** The steps the recorder gets. */
    steps: performed,
    /** True when earlier decisions changed anything. */
    changed: items.some((i) => i.kind === 'decided'),
    /** The recorder's results with the decided steps put back where they were. */
    assemble(results: readonly StepResult[]): StepResult[] {
      const starts = new Map<string, number>();
      for (const [i, r] of results.entries()) if (!starts.has(r.step.id)) starts.set(r.step.id, i);
      const out: StepResult[] = [];
      let k = 0;
      for (const item of items) {
        if (item.kind === 'decided') {
          out.push(item.result);
          continue;
        }
        const from = starts.get(performed[k]!.id) ?? results.length;
        const next = performed[k + 1];
        const to = next ? (starts.get(next.id) ?? results.length) : results.length;
        out.push(...results.slice(from, to));
        k++;
      }
      return out;
    },
  };
}
