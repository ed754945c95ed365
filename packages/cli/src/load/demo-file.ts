import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Demo, parseDemo, ShowrunnerError } from '@showrunner/core';
import { parse as parseYaml } from 'yaml';
import { importDefault } from './import-file.js';

/** Demo file extensions `validate` discovers and `record` accepts. */
export const DEMO_FILE = /\.demo\.(json|ya?ml|ts|mts|js|mjs)$/;

/** Read a demo from JSON, YAML or a module exporting `defineDemo(...)`, and validate it. */
export async function loadDemo(file: string): Promise<Demo> {
  const ext = path.extname(file).toLowerCase();
  let data: unknown;
  try {
    if (ext === '.json') data = JSON.parse(await readFile(file, 'utf8'));
    else if (ext === '.yaml' || ext === '.yml') data = parseYaml(await readFile(file, 'utf8'));
    else if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) data = await importDefault(file);
    else throw new Error(`unsupported extension "${ext}" (use .json, .yaml or .ts)`);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ShowrunnerError('SR_FILE_UNREADABLE', `Cannot read demo ${file}: ${why}`, { file, cause: err });
  }
  return parseDemo(data, file);
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
