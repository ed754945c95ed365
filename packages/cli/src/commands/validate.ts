import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { type ResolvedConfig, STAGES } from '@showrunner/core';
import { DEMO_FILE, loadDemo } from '../load/demo-file.js';
import { clean } from '../ui/clean.js';

const SKIP = new Set(['node_modules', '.git', '.showrunner', 'dist', 'out']);

/**
 * `showrunner validate`: check the config (already loaded) and demo files; returns the errors. An
 * untrusted config (`policy.trust`) refuses code demo files as `record` would, without running them.
 */
export async function validate(config: ResolvedConfig, files: string[], cwd: string, say: (line: string) => void) {
  const print = (line: string) => say(clean(line)); // file names are data too
  const slots = STAGES.map((s) => `${s}: ${config.slots[s]?.name ?? '(empty)'}`).join(', ');
  print(`✓ ${config.file ? path.relative(cwd, config.file) : 'no config file (defaults)'}  ${slots}`);
  const targets = files.length ? files.map((f) => path.resolve(cwd, f)) : await findDemos(cwd, 4);
  if (!targets.length) print('  no *.demo.{json,yaml,ts} files found');
  const errors: unknown[] = [];
  for (const file of targets) {
    try {
      const demo = await loadDemo(file, { trust: config.policy.trust });
      print(`✓ ${path.relative(cwd, file)}  ${demo.steps.length} steps`);
    } catch (err) {
      errors.push(err);
    }
  }
  return errors;
}

async function findDemos(dir: string, depth: number): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && depth > 0 && !SKIP.has(entry.name)) found.push(...(await findDemos(full, depth - 1)));
    else if (entry.isFile() && DEMO_FILE.test(entry.name)) found.push(full);
  }
  return found.sort();
}
