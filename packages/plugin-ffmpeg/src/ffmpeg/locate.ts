import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { ShowrunnerError } from '@showrunner/core';
import { PLUGIN_NAME } from '../options.js';

/** Where the binary came from, for logs and errors. */
export type FfmpegSource = 'option' | 'FFMPEG_PATH' | 'PATH' | '@ffmpeg-installer/ffmpeg';

export interface LocatedFfmpeg {
  path: string;
  source: FfmpegSource;
}

/** Inputs of the search; `installer` returns the npm package's binary when it is installed. */
export interface LocateSources {
  option?: string;
  env?: NodeJS.ProcessEnv;
  installer?: () => Promise<string | undefined>;
}

export const INSTALL_HINT =
  'Install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg), or run ' +
  '`npm install @ffmpeg-installer/ffmpeg`, or point FFMPEG_PATH or the ffmpegPath option at a binary.';

/**
 * Find ffmpeg: the `ffmpegPath` option, then `FFMPEG_PATH`, then `ffmpeg` on PATH, then the
 * `@ffmpeg-installer/ffmpeg` npm package (so `npm install` alone is enough). An explicit option or
 * variable that points nowhere is an error rather than a silent fallback. Called once per merge.
 */
export async function locateFfmpeg(sources: LocateSources = {}): Promise<LocatedFfmpeg> {
  const env = sources.env ?? process.env;
  const notFound = (what: string) =>
    new ShowrunnerError('SR_FFMPEG_NOT_FOUND', `${what}`, { stage: 'merge', plugin: PLUGIN_NAME, hint: INSTALL_HINT });
  if (sources.option) {
    if (await isExecutable(sources.option)) return { path: sources.option, source: 'option' };
    throw notFound(`The ffmpegPath option points at ${sources.option}, which is not an executable file.`);
  }
  if (env.FFMPEG_PATH) {
    if (await isExecutable(env.FFMPEG_PATH)) return { path: env.FFMPEG_PATH, source: 'FFMPEG_PATH' };
    throw notFound(`FFMPEG_PATH is ${env.FFMPEG_PATH}, which is not an executable file.`);
  }
  const onPath = await searchPath('ffmpeg', env.PATH ?? '');
  if (onPath) return { path: onPath, source: 'PATH' };
  const packaged = await (sources.installer ?? fromInstaller)();
  if (packaged && (await isExecutable(packaged))) return { path: packaged, source: '@ffmpeg-installer/ffmpeg' };
  throw notFound('No ffmpeg binary was found (ffmpegPath option, FFMPEG_PATH, PATH, @ffmpeg-installer/ffmpeg).');
}

/** First executable `name` in a PATH string. */
export async function searchPath(name: string, pathVar: string): Promise<string | undefined> {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (await isExecutable(file)) return file;
    }
  }
  return undefined;
}

/** The binary of the optional npm package, imported lazily (it is 70 MB on disk, but cheap to import). */
export async function fromInstaller(): Promise<string | undefined> {
  try {
    const mod = (await import('@ffmpeg-installer/ffmpeg')) as { default?: { path?: string }; path?: string };
    return mod.default?.path ?? mod.path;
  } catch {
    return undefined; // not installed for this platform
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
