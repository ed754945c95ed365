import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { definePlugin } from '../define.js';
import { ShowrunnerError } from '../errors.js';
import { parseOptions } from '../options.js';
import type { StoragePlugin } from '../plugin.js';

const Options = z.strictObject({
  /** Folder for finished demos, relative to the config file. */
  dir: z.string().min(1).default('out'),
});
export type LocalStoreOptions = z.input<typeof Options>;

/**
 * The offline storage stage: copies the finished files to `<dir>/<demo name>/` and links them with
 * file:// URLs. It is the `storage` slot's default. The newest run of a demo replaces the older one.
 */
export function localStore(options: LocalStoreOptions = {}): StoragePlugin {
  const opts = parseOptions(Options, options, { plugin: 'showrunner:local-store', slot: 'storage' });
  return definePlugin({
    name: 'showrunner:local-store',
    stage: 'storage',
    async run({ name, files }, ctx) {
      const dest = path.resolve(ctx.root, opts.dir, name);
      try {
        await mkdir(dest, { recursive: true });
        const stored = [];
        for (const file of files) {
          const target = path.join(dest, path.basename(file.path));
          await copyFile(ctx.resolve(file.path), target);
          stored.push({ ...file, url: pathToFileURL(target).href });
        }
        const video = stored.find((f) => f.role === 'video') ?? stored[0];
        return { url: video?.url ?? pathToFileURL(dest).href, files: stored };
      } catch (err) {
        throw new ShowrunnerError('SR_STORAGE_FAILED', `Cannot copy the demo files to ${dest}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
  });
}
