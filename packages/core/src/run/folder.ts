import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as z from 'zod';
import { ShowrunnerError } from '../errors.js';
import { LIMITS, overLimit } from '../policy/limits.js';
import { checkRunId, slugify } from '../policy/paths.js';
import { type Demo, LanguageSchema, WebUrlSchema } from '../schema/demo.js';
import { RUN_FORMAT_VERSION, type RunState } from '../schema/run.js';
import type { ParseInput, StageResults } from '../types.js';
import { formatIssues } from '../validate.js';
import { fileStore } from './file-store.js';
import type { RunStore } from './store.js';

export { readJson, writeJson } from './json.js';

/**
 * A run as core reads it: its folder (where the stages' files are) and what the store holds —
 *   state    the state machine (run.json in the default store)
 *   demo     the approved steps (absent until the plan is approved)
 *   outputs  what each finished stage returned (`<stage>/output.json`)
 */
export interface RunFolder {
  dir: string;
  state: RunState;
  demo?: Demo;
  outputs: Partial<StageResults>;
}

/** Where a run comes from: a demo (approved as given) or a request to plan first (reviewed later). */
export type RunSource = { demo: Demo } | { request: ParseInput };

/** A run's folder, id and store: what every orchestration function needs. */
export interface RunRef {
  dir: string;
  runId: string;
  store: RunStore;
}

/** The run in `runDir`; its id is the folder's name. The store defaults to the folder itself. */
export function runRef(runDir: string, store?: RunStore): RunRef {
  const dir = path.resolve(runDir);
  const runId = checkRunId(path.basename(dir));
  return { dir, runId, store: store ?? fileStore(path.dirname(dir)) };
}

const RequestSchema = z.strictObject({
  url: WebUrlSchema,
  description: z.string().min(1, 'a description is needed').max(LIMITS.descriptionChars, overLimit('descriptionChars')),
  language: LanguageSchema.optional(),
});

/**
 * Create a run from a demo (status `approved`, by whoever gave the demo) or a request (status `created`:
 * parse plans it, then it waits for review). Returns the run folder `<runsDir>/<runId>`. Called by the
 * CLI and the hosted app; `runId` must be a safe id (letters, digits, `.`, `_`, `-`).
 */
export async function createRun(
  runsDir: string,
  source: RunSource,
  options: { runId?: string; store?: RunStore; approvedBy?: string } = {},
): Promise<string> {
  const now = new Date();
  let request: ParseInput | undefined;
  if ('request' in source) {
    const parsed = RequestSchema.safeParse(source.request);
    if (!parsed.success) {
      const { message, field } = formatIssues(parsed.error);
      const code = message.includes('over the limit') ? 'SR_LIMIT_EXCEEDED' : 'SR_USAGE';
      throw new ShowrunnerError(code, `Cannot plan this request: ${message}`, { field });
    }
    request = parsed.data;
  }
  const name = 'demo' in source ? slugify(source.demo.title ?? hostOf(source.demo.url)) : 'plan';
  const id = checkRunId(
    options.runId ?? `${name}-${now.toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(2).toString('hex')}`,
  );
  const state: RunState = {
    version: RUN_FORMAT_VERSION,
    id,
    createdAt: now.toISOString(),
    rev: 0,
    status: request ? 'created' : 'approved',
    request,
    approval: request ? undefined : { by: options.approvedBy ?? 'demo', at: now.toISOString(), auto: false },
    stages: {},
    attempts: {},
    steps: {},
    decisions: [],
  };
  const store = options.store ?? fileStore(runsDir);
  await store.create(id, { state, demo: 'demo' in source ? source.demo : undefined, outputs: {} });
  return path.join(path.resolve(runsDir), id);
}

/** Read and check a run: state, demo, outputs. Throws SR_RUN_INVALID / SR_RUN_NEWER_VERSION. */
export async function readRun(runDir: string, store?: RunStore): Promise<RunFolder> {
  const ref = runRef(runDir, store);
  const doc = await ref.store.get(ref.runId);
  if (!doc) throw new ShowrunnerError('SR_RUN_INVALID', `${ref.dir} is not a run folder (no run.json).`, { file: ref.dir });
  return { dir: ref.dir, ...doc };
}

const hostOf = (url: string) => {
  try {
    return new URL(url, 'http://demo').hostname;
  } catch {
    return 'demo';
  }
};
