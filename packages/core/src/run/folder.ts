import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as z from 'zod';
import { ShowrunnerError } from '../errors.js';
import { slugify } from '../policy/paths.js';
import { type Demo, DemoSchema } from '../schema/demo.js';
import { RUN_FORMAT_VERSION, type RunState, RunStateSchema, STAGES } from '../schema/run.js';
import type { ParseInput, StageName, StageResults } from '../types.js';
import { formatIssues } from '../validate.js';

/**
 * A run folder as read from disk:
 *   demo.json              the approved steps (absent until parse and review are done)
 *   <stage>/output.json    what the stage returned; its files next to it
 *   run.json               status, per-stage and per-step progress, errors
 */
export interface RunFolder {
  dir: string;
  state: RunState;
  demo?: Demo;
  outputs: Partial<StageResults>;
}

export type RunSource = { demo: Demo } | { request: ParseInput };

/** Create a run folder from a demo (record only) or a request (plan first). Called by the CLI and app. */
export async function createRun(runsDir: string, source: RunSource, runId?: string): Promise<string> {
  const name = 'demo' in source ? slugify(source.demo.title ?? new URL(source.demo.url, 'http://x').hostname) : 'plan';
  const id = runId ?? `${name}-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(2).toString('hex')}`;
  const dir = path.join(runsDir, id);
  await mkdir(dir, { recursive: true });
  const state: RunState = {
    version: RUN_FORMAT_VERSION,
    id,
    createdAt: new Date().toISOString(),
    status: 'created',
    request: 'request' in source ? source.request : undefined,
    stages: {},
    steps: {},
  };
  if ('demo' in source) await writeJson(path.join(dir, 'demo.json'), source.demo);
  await writeJson(path.join(dir, 'run.json'), state);
  return dir;
}

/** Read and check everything in a run folder. Throws SR_RUN_INVALID / SR_RUN_NEWER_VERSION. */
export async function readRun(dir: string): Promise<RunFolder> {
  const stateRaw = await readJson(path.join(dir, 'run.json'));
  if (stateRaw === undefined)
    throw new ShowrunnerError('SR_RUN_INVALID', `${dir} is not a run folder (no run.json).`, { file: dir });
  const version = (stateRaw as { version?: unknown }).version;
  if (typeof version === 'number' && version > RUN_FORMAT_VERSION) {
    throw new ShowrunnerError(
      'SR_RUN_NEWER_VERSION',
      `${path.join(dir, 'run.json')} has format ${version}; this Showrunner reads format ${RUN_FORMAT_VERSION}.`,
      { file: path.join(dir, 'run.json'), hint: 'Upgrade @showrunner/cli and its plugins, or start a new run.' },
    );
  }
  const state = parseFile(RunStateSchema, stateRaw, path.join(dir, 'run.json'), 'SR_RUN_INVALID');
  const demoRaw = await readJson(path.join(dir, 'demo.json'));
  const demo = demoRaw === undefined ? undefined : parseFile(DemoSchema, demoRaw, path.join(dir, 'demo.json'), 'SR_DEMO_INVALID');
  const outputs: Partial<StageResults> = {};
  for (const stage of STAGES) {
    const out = await readJson(outputFile(dir, stage));
    if (out !== undefined) Object.assign(outputs, { [stage]: out });
  }
  return { dir, state, demo, outputs };
}

export const outputFile = (runDir: string, stage: StageName): string => path.join(runDir, stage, 'output.json');

const queues = new Map<string, Promise<unknown>>();

/**
 * Apply `change` to run.json. Updates of one run are serialized within the process, because tts
 * and record may run side by side.
 */
export function updateRun(dir: string, change: (state: RunState) => void): Promise<RunState> {
  const file = path.join(dir, 'run.json');
  const next = (queues.get(dir) ?? Promise.resolve())
    .catch(() => {})
    .then(async () => {
      const state = parseFile(RunStateSchema, await readJson(file), file, 'SR_RUN_INVALID');
      change(state);
      await writeJson(file, state);
      return state;
    });
  queues.set(dir, next);
  void next.finally(() => queues.get(dir) === next && queues.delete(dir)).catch(() => {});
  return next;
}

/** Write JSON atomically (temp file + rename): a crash never leaves half a file behind. */
export async function writeJson(file: string, data: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`);
  await rename(tmp, file);
}

/** Parsed JSON, or undefined when the file does not exist. Throws SR_FILE_UNREADABLE otherwise. */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ShowrunnerError('SR_FILE_UNREADABLE', `Cannot read ${file}: ${(err as Error).message}`, { file, cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ShowrunnerError('SR_FILE_UNREADABLE', `${file} is not valid JSON: ${(err as Error).message}`, { file, cause: err });
  }
}

function parseFile<S extends z.ZodType>(
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
