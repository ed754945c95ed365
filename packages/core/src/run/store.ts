import { setTimeout as sleep } from 'node:timers/promises';
import { ShowrunnerError } from '../errors.js';
import type { Demo } from '../schema/demo.js';
import type { RunState } from '../schema/run.js';
import type { StageName, StageResults } from '../types.js';

/** A run as stored: its state (with the revision `state.rev`), the approved demo, and each stage's output. */
export interface RunDoc {
  state: RunState;
  demo?: Demo;
  outputs: Partial<StageResults>;
}

/**
 * One write to a run: the whole next state (its `rev` one above the stored one), and only the parts of
 * the demo and outputs that change (`null` removes). Applied all together or not at all.
 */
export interface RunPatch {
  state: RunState;
  demo?: Demo | null;
  outputs?: { [S in StageName]?: StageResults[S] | null };
}

/**
 * Where runs live: state, demo and stage outputs (the files stay in the run folder). The default is
 * the run folder itself (`run.json`, `demo.json`, `<stage>/output.json`; see fileStore); the hosted app
 * backs it with Postgres. Called by core only, from any number of processes at once: `put` is a
 * compare-and-set, so two writers never lose each other's update.
 */
export interface RunStore {
  /** Store a new run. Throws SR_RUN_INVALID when the id is taken. */
  create(runId: string, doc: RunDoc): Promise<void>;
  /** The run as stored now, or undefined when there is no such run. */
  get(runId: string): Promise<RunDoc | undefined>;
  /** Apply `patch` if the stored revision is still `rev`; false (nothing written) when it moved on. */
  put(runId: string, rev: number, patch: RunPatch): Promise<boolean>;
}

/** A change for {@link updateRun}: edits `doc.state` in place, returns the demo/output parts that change. */
export type Change = (doc: RunDoc) => (Omit<RunPatch, 'state'> & { state?: RunState }) | undefined;

const ATTEMPTS = 50;

/**
 * Read, change, write back with compare-and-set, retrying when another writer got there first. `change`
 * gets a private copy of the run; it edits `doc.state` in place and returns the demo/output parts that
 * change (`{}` when only the state changes), or undefined to write nothing. It may throw to refuse
 * (the error propagates). Returns the run as written. Called by every core function that changes a run.
 */
export async function updateRun(store: RunStore, runId: string, change: Change): Promise<RunDoc> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = await store.get(runId);
    if (!current) throw new ShowrunnerError('SR_RUN_INVALID', `There is no run ${runId}.`, { field: 'runId' });
    const doc = structuredClone(current);
    const parts = change(doc);
    if (!parts) return current;
    const state = { ...(parts.state ?? doc.state), rev: current.state.rev + 1 };
    const patch: RunPatch = { ...parts, state };
    if (await store.put(runId, current.state.rev, patch)) return applyPatch(current, patch);
    await sleep(2 + Math.random() * 8 * (attempt + 1));
  }
  throw new ShowrunnerError('SR_RUN_CONFLICT', `Run ${runId} kept changing under ${ATTEMPTS} attempts to update it.`, {
    hint: 'Too many writers at once; the update was not applied. Try again.',
  });
}

/** The run after a patch (what `put` wrote). */
export function applyPatch(doc: RunDoc, patch: RunPatch): RunDoc {
  const next: RunDoc = { state: patch.state, demo: doc.demo, outputs: { ...doc.outputs } };
  if (patch.demo !== undefined) next.demo = patch.demo ?? undefined;
  for (const [stage, output] of Object.entries(patch.outputs ?? {}) as [StageName, unknown][]) {
    if (output === null) delete next.outputs[stage];
    else Object.assign(next.outputs, { [stage]: output });
  }
  return next;
}
