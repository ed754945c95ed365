import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Writable } from 'node:stream';
import { ShowrunnerError } from '@showrunner/core';
import { PLUGIN_NAME } from '../options.js';
import { INSTALL_HINT } from './locate.js';

/** How one ffmpeg process is run. */
export interface FfmpegCall {
  bin: string;
  /** Arguments after the common ones (`-hide_banner -nostdin -y -v warning`). */
  args: string[];
  /** What this call produces, for error messages ("the mp4", "the GIF palette"). */
  what: string;
  signal?: AbortSignal;
  /** Called with the output time reached (ms) each time ffmpeg reports progress (about twice a second). */
  onProgress?: (outMs: number) => void;
  /** Called with the pid once ffmpeg started (benchmarks sample its memory). */
  onSpawn?: (pid: number) => void;
  /** `pipe`: the process reads stdin from `FfmpegProcess.stdin` (raw frames for the encoder). */
  stdin?: 'pipe';
  /** Where stdout goes instead of progress parsing: another ffmpeg's stdin (a segment's raw frames). */
  stdout?: Writable;
  /** Scheduling niceness, e.g. 10 while a browser records beside it (it must not steal the recording's CPU). */
  nice?: number;
}

/** A started ffmpeg. */
export interface FfmpegProcess {
  /** Its stdin when `stdin: 'pipe'` was asked for. */
  stdin?: Writable;
  /** Resolves when it exits 0; rejects like runFfmpeg. */
  done: Promise<{ stderr: string }>;
}

const TAIL_LINES = 25;
/** Lines that say nothing about a failure: fontconfig chatter of the static build, mono WAV notes. */
const NOISE = /^Fontconfig warning|Guessed Channel Layout|Last message repeated|ignoring layout|deprecated pixel format/;
const TAIL_CHARS = 4000;

/**
 * Run ffmpeg with an argument array (never a shell) and resolve when it exits 0. Progress comes
 * from `-progress pipe:1`. A non-zero exit is SR_FFMPEG_FAILED with the tail of stderr in the
 * message; abort kills the process (SIGKILL: SIGTERM would make ffmpeg finish the file) and
 * throws SR_ABORTED. Called serially by the merge, one process at a time.
 */
export function runFfmpeg(call: FfmpegCall): Promise<{ stderr: string }> {
  return startFfmpeg(call).done;
}

/** Start ffmpeg as runFfmpeg does, with its stdin and stdout wired as the call asks. */
export function startFfmpeg(call: FfmpegCall): FfmpegProcess {
  const { bin, what, signal } = call;
  const progress = call.onProgress && !call.stdout ? ['-progress', 'pipe:1', '-nostats'] : ['-nostats'];
  const args = ['-hide_banner', ...(call.stdin ? [] : ['-nostdin']), '-y', '-v', 'warning', ...progress, ...call.args];
  if (signal?.aborted) return { done: Promise.reject(aborted(what)) };
  const child = spawn(bin, args, { stdio: [call.stdin ?? 'ignore', call.stdout ?? 'pipe', 'pipe'] });
  child.stdin?.on('error', () => {}); // the process died: its exit code tells why
  if (child.pid !== undefined && call.nice) {
    try {
      setPriority(child.pid, call.nice);
    } catch {} // not allowed here: it just runs at normal priority
  }
  const done = new Promise<{ stderr: string }>((resolve, reject) => {
    const stderr: string[] = [];
    let pending = '';
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (child.pid !== undefined) call.onSpawn?.(child.pid);

    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(chunk);
      if (stderr.length > 400) stderr.splice(0, stderr.length - 200); // keep memory flat on chatty builds
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^out_time=(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(line);
        if (m) call.onProgress?.(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000);
      }
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      const missing = err.code === 'ENOENT' || err.code === 'EACCES';
      reject(
        new ShowrunnerError(
          missing ? 'SR_FFMPEG_NOT_FOUND' : 'SR_FFMPEG_FAILED',
          `Cannot start ${bin} for ${what}: ${err.message}`,
          { stage: 'merge', plugin: PLUGIN_NAME, hint: missing ? INSTALL_HINT : undefined, cause: err },
        ),
      );
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      const text = stderr.join('');
      if (signal?.aborted) return reject(aborted(what));
      if (code === 0) return resolve({ stderr: text });
      const how = sig ? `was killed by ${sig}` : `exited with code ${code}`;
      reject(
        new ShowrunnerError('SR_FFMPEG_FAILED', `ffmpeg ${how} while writing ${what}:\n${tail(text)}`, {
          stage: 'merge',
          plugin: PLUGIN_NAME,
          hint: sig
            ? 'ffmpeg was stopped from outside (out of memory?); re-run the merge stage.'
            : 'The lines above are the end of ffmpeg’s stderr; re-run with a different ffmpeg (ffmpegPath) if it names a missing feature.',
        }),
      );
    });
  });
  return { stdin: child.stdin ?? undefined, done };
}

/** The last lines of stderr without known noise (the 2018 static build prints pages of fontconfig warnings). */
export function tail(stderr: string, empty = '(ffmpeg printed nothing)'): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l && !NOISE.test(l));
  const text = lines.slice(-TAIL_LINES).join('\n');
  return text.length > TAIL_CHARS ? `…${text.slice(-TAIL_CHARS)}` : text || empty;
}

const aborted = (what: string) =>
  new ShowrunnerError('SR_ABORTED', `The merge was cancelled; ffmpeg was stopped while writing ${what}.`, {
    stage: 'merge',
    plugin: PLUGIN_NAME,
  });
