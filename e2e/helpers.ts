import { execFile, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const tempDir = (prefix: string) => mkdtemp(path.join(tmpdir(), prefix));

export interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to its end, keeping its output (stdin closed, as in CI). */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** ffprobe's JSON view of a media file: streams, format and chapters. */
export async function probe(file: string): Promise<{
  streams: { codec_type: string; codec_name: string }[];
  format: { duration: string };
  chapters: { tags?: { title?: string } }[];
}> {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      'ffprobe',
      ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', '-show_chapters', file],
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    ),
  );
  return JSON.parse(out);
}

/** Mean volume of a file's audio in dBFS (ffmpeg volumedetect): about -91 for silence, -20 to -30 for speech. */
export async function meanVolume(file: string): Promise<number> {
  const { stderr } = await run(
    'ffmpeg',
    ['-hide_banner', '-i', file, '-map', '0:a', '-af', 'volumedetect', '-f', 'null', '-'],
    '.',
  );
  const value = /mean_volume: (-?[\d.]+) dB/.exec(stderr)?.[1];
  if (value === undefined) throw new Error(`no volume in ffmpeg output:\n${stderr.slice(-500)}`);
  return Number(value);
}
