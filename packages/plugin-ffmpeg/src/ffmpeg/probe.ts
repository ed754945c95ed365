import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ShowrunnerError } from '@showrunner/core';
import { PLUGIN_NAME } from '../options.js';
import { INSTALL_HINT } from './locate.js';

const exec = promisify(execFile);

/**
 * What one ffmpeg binary can do. Graphs are built from this, so the same merge runs on a 2018
 * static 4.x build and on Debian's 5.x: e.g. `-fps_mode` only exists since 5.1 (`-vsync` before).
 */
export interface Capabilities {
  path: string;
  /** First line of `ffmpeg -version`, e.g. `5.1.9-0+deb12u1` or `N-47683-g0e8eb07980-static`. */
  version: string;
  /** libavfilter [major, minor]: the reliable age of a build (git snapshots have no release number). */
  libavfilter: [number, number];
  filters: ReadonlySet<string>;
  encoders: ReadonlySet<string>;
  /** `-fps_mode` exists (else `-vsync`). */
  fpsMode: boolean;
}

const cache = new Map<string, Promise<Capabilities>>();

/**
 * Probe a binary once per process (version, filters, encoders, options); later merges reuse the
 * answer. Concurrent callers share one probe. A binary that does not run is SR_FFMPEG_NOT_FOUND.
 */
export function probe(bin: string): Promise<Capabilities> {
  let job = cache.get(bin);
  if (!job) {
    job = runProbe(bin);
    cache.set(bin, job);
    job.catch(() => cache.delete(bin));
  }
  return job;
}

async function runProbe(bin: string): Promise<Capabilities> {
  const ask = async (...flags: string[]) => {
    try {
      const { stdout } = await exec(bin, ['-hide_banner', ...flags], { maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (err) {
      throw new ShowrunnerError(
        'SR_FFMPEG_NOT_FOUND',
        `${bin} does not run as ffmpeg (${flags.join(' ')}): ${(err as Error).message}`,
        {
          stage: 'merge',
          plugin: PLUGIN_NAME,
          hint: INSTALL_HINT,
          cause: err,
        },
      );
    }
  };
  const [version, filters, encoders, help] = await Promise.all([
    ask('-version'),
    ask('-filters'),
    ask('-encoders'),
    ask('-h', 'long'), // lists -fps_mode when the build has it
  ]);
  const avfilter = /libavfilter\s+(\d+)\.\s*(\d+)/.exec(version);
  return {
    path: bin,
    version: /ffmpeg version (\S+)/.exec(version)?.[1] ?? 'unknown',
    libavfilter: avfilter ? [Number(avfilter[1]), Number(avfilter[2])] : [0, 0],
    filters: names(filters, /^\s*[TSC.|]{3}\s+(\S+)\s/),
    encoders: names(encoders, /^\s*[VASFXBD.]{6}\s+(\S+)\s/),
    fpsMode: /-fps_mode\b/.test(help),
  };
}

function names(listing: string, line: RegExp): Set<string> {
  const found = new Set<string>();
  for (const text of listing.split('\n')) {
    const m = line.exec(text);
    if (m?.[1] && m[1] !== '=') found.add(m[1]);
  }
  return found;
}

/**
 * Throw a clear error when a feature the options ask for is missing from this build.
 * `what` names the option, `need` the filters/encoders it uses.
 */
export function requireFeatures(caps: Capabilities, what: string, need: { filters?: string[]; encoders?: string[] }): void {
  const missing = [
    ...(need.filters ?? []).filter((f) => !caps.filters.has(f)).map((f) => `filter "${f}"`),
    ...(need.encoders ?? []).filter((e) => !caps.encoders.has(e)).map((e) => `encoder "${e}"`),
  ];
  if (!missing.length) return;
  throw new ShowrunnerError(
    'SR_FFMPEG_UNSUPPORTED',
    `${caps.path} (ffmpeg ${caps.version}) lacks ${missing.join(', ')}, needed for ${what}.`,
    {
      stage: 'merge',
      plugin: PLUGIN_NAME,
      hint: `Use an ffmpeg build that has it (Debian's ffmpeg package or @ffmpeg-installer/ffmpeg do), or turn ${what} off.`,
    },
  );
}
