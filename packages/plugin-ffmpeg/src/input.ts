import { open, readFile, stat } from 'node:fs/promises';
import { type MergeInput, ShowrunnerError, type StageContext, type StepResult } from '@showrunner/core';
import { analyse } from './audio/analyse.js';
import { clipGain } from './audio/gain.js';
import { decodeWav } from './audio/wav.js';
import { stepLabel } from './labels.js';
import type { ClipAudio, MergeModel, Shot, SourceFrame } from './model.js';
import { PLUGIN_NAME, type ResolvedOptions } from './options.js';
import { hasLineControl } from './text.js';

/**
 * Frames and clips already checked, for a live merge that reads a growing recording again at each part
 * (a frame file never changes once written).
 */
export interface InputCache {
  frames: Map<string, SourceFrame>;
  clips: Map<string, ClipAudio>;
}

export const inputCache = (): InputCache => ({ frames: new Map(), clips: new Map() });

async function cached<T>(map: Map<string, T> | undefined, key: string, make: () => Promise<T>): Promise<T> {
  const hit = map?.get(key);
  if (hit) return hit;
  const value = await make();
  map?.set(key, value);
  return value;
}

type Where = { step?: { index: number; id?: string }; file?: string; field?: string };

const invalid = (message: string, where: Where, hint: string) =>
  new ShowrunnerError('SR_MERGE_INPUT_INVALID', message, { stage: 'merge', plugin: PLUGIN_NAME, ...where, hint });

const RERUN_RECORD = 'Re-run the record stage (showrunner run --from record) to capture the frames again.';
const RERUN_TTS = 'Re-run the tts stage (showrunner run --from tts) to write the clips again.';

/**
 * Check the merge input and measure it: every performed step has times and a real audio clip,
 * every frame exists and is a JPEG. Returns the validated model, or throws
 * SR_MERGE_INPUT_INVALID naming the step, frame or file. Called once at the start of a merge.
 */
export async function readInput(
  input: Pick<MergeInput, 'demo' | 'recording' | 'steps' | 'clips'>,
  ctx: StageContext,
  options: ResolvedOptions,
  cache?: InputCache,
): Promise<MergeModel> {
  const { demo, recording, steps, clips } = input;
  if (!steps.length) throw invalid('The merge got zero steps: there is nothing to narrate.', { field: 'steps' }, RERUN_RECORD);
  const done = steps.filter((r) => r.status === 'done');
  if (!done.length) {
    throw invalid('No step was performed (every step was skipped or replaced).', { field: 'steps' }, RERUN_RECORD);
  }
  const indexOf = (r: StepResult) => {
    const i = demo.steps.findIndex((s) => s.id === r.step.id);
    return { index: i >= 0 ? i : steps.indexOf(r), id: r.step.id };
  };
  const frames = await readFrames(recording.frames, ctx, cache);
  const lastEnd = Math.max(...done.map((r) => r.endMs ?? r.startMs ?? 0));
  const recordingMs = Math.max(recording.durationMs, lastEnd);

  const shots: Shot[] = [];
  for (const r of done) {
    const where = { step: indexOf(r) };
    if (r.startMs === undefined) {
      throw invalid(`Step "${r.step.id}" is marked done but has no startMs.`, { ...where, field: 'startMs' }, RERUN_RECORD);
    }
    const prev = shots.at(-1);
    if (prev && r.startMs < prev.startMs) {
      throw invalid(`Step "${r.step.id}" starts before step "${prev.id}".`, { ...where, field: 'startMs' }, RERUN_RECORD);
    }
    const clip = clips.find((c) => c.stepId === r.step.id);
    if (!clip) throw invalid(`Step "${r.step.id}" has no narration clip.`, where, RERUN_TTS);
    shots.push({
      id: r.step.id,
      index: where.step.index,
      title: stepLabel(r.step),
      startMs: r.startMs,
      narrationMs: r.narrationMs ?? r.startMs,
      endMs: Math.max(r.startMs, r.endMs ?? r.startMs),
      box: r.box,
      clip: await cached(cache?.clips, `${clip.path}\n${clip.text}`, () =>
        readClip(ctx.resolve(clip.path), clip.text, clip.words, where, options),
      ),
    });
  }
  // A lead past the next step's start would put the line under the wrong step: clamp it.
  for (const [k, shot] of shots.entries()) {
    const boundary = shots[k + 1]?.startMs ?? recordingMs;
    shot.narrationMs = Math.min(Math.max(shot.narrationMs, shot.startMs), boundary);
  }
  const viewport =
    recording.viewport.width > 0 && recording.viewport.height > 0
      ? recording.viewport
      : { width: recording.width / recording.deviceScaleFactor, height: recording.height / recording.deviceScaleFactor };
  return {
    shots,
    frames,
    recordingMs,
    frameSize: { width: recording.width, height: recording.height },
    viewport,
    title: demo.title,
    url: demo.url,
  };
}

async function readClip(
  file: string,
  text: string,
  words: ClipAudio['words'],
  where: Where,
  options: ResolvedOptions,
): Promise<ClipAudio> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    throw invalid(
      `The clip of step "${where.step?.id}" cannot be read: ${(err as Error).message}`,
      { ...where, file },
      RERUN_TTS,
    );
  }
  const pcm = decodeWav(buf);
  if (typeof pcm === 'string') {
    throw invalid(`The clip of step "${where.step?.id}" (${file}) is not audio: ${pcm}.`, { ...where, file }, RERUN_TTS);
  }
  const levels = analyse(pcm);
  return { file, text, durationMs: pcm.durationMs, words, levels, gainDb: clipGain(levels, options) };
}

/** Stat and sniff every frame (bounded concurrency); sort by time, as frames may be listed out of order. */
async function readFrames(
  list: MergeInput['recording']['frames'],
  ctx: StageContext,
  cache?: InputCache,
): Promise<SourceFrame[]> {
  if (!list.length) {
    throw invalid('The recording has no frames.', { field: 'recording.frames' }, RERUN_RECORD);
  }
  const out: SourceFrame[] = new Array(list.length);
  const check = async (i: number) => {
    const frame = list[i]!;
    const seen = cache?.frames.get(frame.path);
    if (seen) {
      out[i] = { ...seen, t: frame.t };
      return;
    }
    const file = ctx.resolve(frame.path);
    const where = { file, field: `recording.frames.${i}` };
    // Frames are named in the concat script line by line: a line break would add a directive.
    if (hasLineControl(file)) {
      throw invalid(`Frame ${i} (${JSON.stringify(frame.path)}) has a control character in its path.`, where, RERUN_RECORD);
    }
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw invalid(`Frame ${i} (${frame.path}) is missing.`, where, RERUN_RECORD);
    if (info.size === 0) throw invalid(`Frame ${i} (${frame.path}) is empty.`, where, RERUN_RECORD);
    const head = Buffer.alloc(3);
    const fh = await open(file, 'r');
    try {
      await fh.read(head, 0, 3, 0);
    } finally {
      await fh.close();
    }
    if (head[0] !== 0xff || head[1] !== 0xd8 || head[2] !== 0xff) {
      throw invalid(`Frame ${i} (${frame.path}) is not a JPEG.`, where, RERUN_RECORD);
    }
    out[i] = { file, t: frame.t, bytes: info.size };
    cache?.frames.set(frame.path, out[i]);
  };
  const width = 32;
  for (let start = 0; start < list.length; start += width) {
    await Promise.all(list.slice(start, start + width).map((_, j) => check(start + j)));
  }
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => a.f.t - b.f.t || a.i - b.i)
    .map(({ f }) => f);
}
