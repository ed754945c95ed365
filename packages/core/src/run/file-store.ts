import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type * as z from 'zod';
import { ShowrunnerError } from '../errors.js';
import { checkRunId } from '../policy/paths.js';
import { DemoSchema } from '../schema/demo.js';
import { RUN_FORMAT_VERSION, RunStateSchema, STAGES, StageOutputSchemas } from '../schema/run.js';
import type { StageResults } from '../types.js';
import { formatIssues } from '../validate.js';
import { readJson, writeJson } from './json.js';
import type { RunDoc, RunPatch, RunStore } from './store.js';

/**
 * The default RunStore: each run is a folder `<runsDir>/<runId>/` holding `run.json` (the state),
 * `demo.json` and `<stage>/output.json`, each written atomically (temp file + rename), state last. `put`
 * holds a lock directory beside run.json (proper-lockfile: works across processes on one machine or a
 * shared disk, stale after 10 s) while it compares the revision and writes.
 */
export function fileStore(runsDir: string): RunStore {
  const dirOf = (runId: string) => path.join(runsDir, checkRunId(runId));
  return {
    async create(runId, doc) {
      const dir = dirOf(runId);
      if ((await readJson(path.join(dir, 'run.json'))) !== undefined) {
        throw new ShowrunnerError('SR_RUN_INVALID', `A run ${runId} already exists in ${runsDir}.`, { file: dir });
      }
      await mkdir(dir, { recursive: true });
      if (doc.demo) await writeJson(path.join(dir, 'demo.json'), doc.demo);
      await writeJson(path.join(dir, 'run.json'), doc.state);
    },

    get: (runId) => readFolder(dirOf(runId)),

    async put(runId, rev, patch) {
      const dir = dirOf(runId);
      const file = path.join(dir, 'run.json');
      const release = await lockfile.lock(file, {
        realpath: false,
        stale: 10_000,
        retries: { retries: 100, minTimeout: 5, maxTimeout: 50, factor: 1.3 },
        onCompromised: () => {}, // held for milliseconds; a stale takeover only costs that writer a retry
      });
      try {
        const stored = (await readJson(file)) as { rev?: number } | undefined;
        if ((stored?.rev ?? 0) !== rev) return false;
        await writePatch(dir, patch);
        return true;
      } finally {
        await release();
      }
    },
  };
}

async function writePatch(dir: string, patch: RunPatch): Promise<void> {
  for (const [stage, output] of Object.entries(patch.outputs ?? {})) {
    const file = path.join(dir, stage, 'output.json');
    if (output === null) await rm(file, { force: true });
    else await writeJson(file, output);
  }
  if (patch.demo === null) await rm(path.join(dir, 'demo.json'), { force: true });
  else if (patch.demo) await writeJson(path.join(dir, 'demo.json'), patch.demo);
  await writeJson(path.join(dir, 'run.json'), patch.state);
}

/**
 * Read and check a run folder. Outputs count only when their stage finished (`done`) or has no state
 * at all (a folder assembled by hand or by a test); an output left by a crash mid-commit is ignored.
 * Format 1 folders (before the state machine) are read as format 2. Undefined when there is no run.json.
 */
export async function readFolder(dir: string): Promise<RunDoc | undefined> {
  const stateFile = path.join(dir, 'run.json');
  const raw = (await readJson(stateFile)) as { version?: unknown } | undefined;
  if (raw === undefined) return undefined;
  if (typeof raw.version === 'number' && raw.version > RUN_FORMAT_VERSION) {
    throw new ShowrunnerError(
      'SR_RUN_NEWER_VERSION',
      `${stateFile} has format ${raw.version}; this Showrunner reads format ${RUN_FORMAT_VERSION}.`,
      { file: stateFile, hint: 'Upgrade @showrunner/cli and its plugins, or start a new run.' },
    );
  }
  const state = parse(RunStateSchema, raw, stateFile, 'SR_RUN_INVALID');
  const demoRaw = await readJson(path.join(dir, 'demo.json'));
  const demo = demoRaw === undefined ? undefined : parse(DemoSchema, demoRaw, path.join(dir, 'demo.json'), 'SR_DEMO_INVALID');
  if (state.version < 2 && demo && !state.approval) {
    state.approval = { by: 'format-1', at: state.createdAt, auto: true }; // format 1 wrote demo.json only once approved
    if (state.status === 'created') state.status = 'approved';
  }
  state.version = RUN_FORMAT_VERSION; // written back as format 2 from now on
  const outputs: RunDoc['outputs'] = {};
  for (const stage of STAGES) {
    const status = state.stages[stage]?.status;
    if (status !== undefined && status !== 'done') continue;
    const file = path.join(dir, stage, 'output.json');
    const out = await readJson(file);
    if (out !== undefined) Object.assign(outputs, { [stage]: parse(StageOutputSchemas[stage], out, file, 'SR_RUN_INVALID') });
  }
  return { state, demo, outputs: outputs as Partial<StageResults> };
}

function parse<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  code: 'SR_RUN_INVALID' | 'SR_DEMO_INVALID',
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const { message, field } = formatIssues(result.error);
  throw new ShowrunnerError(code, `${file}: ${message}`, { file, field });
}
