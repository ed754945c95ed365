import { constants } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkLimit, type Demo, parseDemo, ShowrunnerError, type Trust } from '@showrunner/core';
import { importDefault } from './import-file.js';
import { parseYamlBounded } from './yaml.js';

/** Demo file extensions `validate` discovers and `record` accepts. */
export const DEMO_FILE = /\.demo\.(json|ya?ml|ts|mts|js|mjs)$/;

/** Demo files that are programs: importing one runs its code. */
const CODE = new Set(['.ts', '.mts', '.js', '.mjs']);

/** How a demo file may be loaded: from the config's `policy` (its `trust`). */
export interface LoadDemoOptions {
  /** 'untrusted' refuses code demo files (.ts/.mts/.js/.mjs) before anything runs. */
  trust?: Trust;
}

/**
 * Read a demo from JSON, YAML or a module exporting `defineDemo(...)`, and validate it. JSON and
 * YAML files over LIMITS.demoFileBytes are refused before they are read. Called by `record` and
 * `validate`, once per file.
 */
export async function loadDemo(file: string, options: LoadDemoOptions = {}): Promise<Demo> {
  const ext = path.extname(file).toLowerCase();
  if (CODE.has(ext) && options.trust === 'untrusted') {
    throw new ShowrunnerError(
      'SR_FILE_REFUSED',
      `Refused demo ${file}: a ${ext} demo file runs code, and this config is untrusted.`,
      {
        file,
        hint: 'Write the demo as .demo.json or .demo.yaml (or set policy trust to "trusted" for your own files).',
      },
    );
  }
  let data: unknown;
  try {
    if (ext === '.json') data = JSON.parse(await readDemoText(file));
    else if (ext === '.yaml' || ext === '.yml') data = await parseYamlBounded(await readDemoText(file));
    else if (CODE.has(ext)) data = await importDefault(file);
    else throw new Error(`unsupported extension "${ext}" (use .json, .yaml or .ts)`);
  } catch (err) {
    if (err instanceof ShowrunnerError) throw err;
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ShowrunnerError('SR_FILE_UNREADABLE', `Cannot read demo ${file}: ${why}`, { file, cause: err });
  }
  return parseDemo(data, file);
}

/**
 * A data demo file's text, checked before reading: a regular file (a FIFO or a device would block or
 * never end) within LIMITS.demoFileBytes. One handle, so the size checked is the file read; opened
 * non-blocking, so a FIFO does not wait for a writer.
 */
async function readDemoText(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error('not a regular file');
    checkLimit('demoFileBytes', info.size, `demo file ${file}`, { file, hint: 'Split the demo into smaller files.' });
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Self-healing across runs: copy the selectors the recorder resolved into a JSON demo file, step by
 * step (the file's steps match the run's by position). Other formats are left as written. Returns
 * how many steps changed.
 */
export async function writeBackResolved(file: string, recorded: Demo): Promise<number> {
  if (path.extname(file).toLowerCase() !== '.json') return 0;
  const data = JSON.parse(await readFile(file, 'utf8')) as { steps?: { resolved?: string }[] };
  let changed = 0;
  for (const [i, step] of (data.steps ?? []).entries()) {
    const resolved = recorded.steps[i]?.resolved;
    if (resolved && step.resolved !== resolved) {
      step.resolved = resolved;
      changed++;
    }
  }
  if (changed) await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return changed;
}
