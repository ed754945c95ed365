import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { definePlugin } from '../define.js';
import { ShowrunnerError } from '../errors.js';
import { parseOptions } from '../options.js';
import type { StoragePlugin } from '../plugin.js';
import { checkRunId, safeJoin } from '../policy/paths.js';

const Options = z.strictObject({
  /** Folder for finished demos, relative to the config file. */
  dir: z.string().min(1).default('out'),
  /** Keep every run: `<dir>/<name>/<runId>/` instead of `<dir>/<name>/`. Always on for untrusted runs. */
  perRun: z.boolean().default(false),
});
export type LocalStoreOptions = z.input<typeof Options>;

/**
 * The offline storage stage: copies the finished files to `<dir>/<demo name>/` (the newest run of a
 * demo replaces the older one, so the path stays the same for a person re-recording) or, per run, to
 * `<dir>/<demo name>/<run id>/` (`perRun`, and always when the run is untrusted, so demos of different
 * people never overwrite each other), and links them with file:// URLs. It is the `storage` slot's default.
 */
export function localStore(options: LocalStoreOptions = {}): StoragePlugin {
  const opts = parseOptions(Options, options, { plugin: 'showrunner:local-store', slot: 'storage' });
  return definePlugin({
    name: 'showrunner:local-store',
    stage: 'storage',
    async run({ name, runId, files }, ctx) {
      const base = path.resolve(ctx.root, opts.dir);
      const perRun = opts.perRun || !ctx.policy.trusted;
      const dest = perRun ? safeJoin(base, name, checkRunId(runId)) : safeJoin(base, name);
      try {
        await mkdir(dest, { recursive: true });
        const stored = [];
        for (const file of files) {
          const target = safeJoin(dest, path.basename(file.path));
          await copyFile(ctx.resolve(file.path), target);
          stored.push({ ...file, url: pathToFileURL(target).href });
        }
        const video = stored.find((f) => f.role === 'video') ?? stored[0];
        return { url: video?.url ?? pathToFileURL(dest).href, files: stored };
      } catch (err) {
        if (err instanceof ShowrunnerError) throw err;
        throw new ShowrunnerError('SR_STORAGE_FAILED', `Cannot copy the demo files to ${dest}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  });
}
