import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Demo, Step } from '../schema/demo.js';
import type { Clip } from '../schema/run.js';
import { spoken } from '../tts/narrator.js';
import { createContext } from './context.js';
import { LIVE_DIR } from './files.js';
import type { StageOptions } from './inputs.js';
import { PartChannel } from './parts.js';
import type { RunScope } from './scope.js';
import { runStageIn } from './stage.js';

interface Slot<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (e: unknown) => void;
}

/**
 * Run the record stage with what can overlap it, in this process:
 * - `tts` beside it (when `withTts`): the recorder starts as soon as the browser is up and awaits each
 *   step's clip as the voice produces it (synthesis runs ahead of real time);
 * - the merge plugin's `live` beside it (`beside.merge`: the config encodes while recording and this
 *   process merges next): it gets each part of the recording as it settles and the clips as they
 *   come, and encodes early into `merge/live`.
 * Each stage still writes only its own folder and commits separately. Resolves with the live folder
 * when the early merge finished (for the merge stage's `input.live`), else undefined.
 */
export async function recordBeside(
  scope: RunScope,
  demo: Demo,
  options: StageOptions,
  known: readonly Clip[],
  beside: { tts: boolean; merge: boolean },
): Promise<string | undefined> {
  const withTts = beside.tts;
  const board = new Map<string, Slot<Clip>>();
  // Once the voice failed, a clip asked for later must fail too, not wait for a voice that is gone.
  let voiceFailed: { reason: unknown } | undefined;
  const slot = (id: string) => {
    let entry = board.get(id);
    if (!entry) {
      let resolve!: (clip: Clip) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<Clip>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      promise.catch(() => {}); // a tts failure is reported once, by the tts stage
      entry = { promise, resolve, reject };
      board.set(id, entry);
      if (voiceFailed) reject(voiceFailed.reason);
    }
    return entry;
  };
  // The voice narrates the demo's steps; steps it will not reach (added by "replace") fall back to
  // core's own synthesis inside the record stage (and the live merge leaves them to the merge stage).
  const planned = new Map(demo.steps.map((s) => [s.id, spoken(s)]));
  const have = new Map(known.map((c) => [c.stepId, c]));
  const clipOf = (stepId: string): Promise<Clip> | undefined => {
    if (withTts) return planned.has(stepId) ? slot(stepId).promise : undefined;
    const clip = have.get(stepId);
    return clip ? Promise.resolve(clip) : undefined;
  };
  const clipDuration = withTts
    ? (step: Step) => (planned.get(step.id) === spoken(step) ? slot(step.id).promise.then((c) => c.durationMs) : undefined)
    : options.clipDuration;
  const stop = new AbortController();
  const signal = AbortSignal.any([scope.signal, stop.signal]);

  const tts = withTts
    ? runStageIn(scope, 'tts', {
        ...options,
        onClip(clip: Clip) {
          slot(clip.stepId).resolve(clip);
          options.onClip?.(clip);
        },
      })
    : Promise.resolve(undefined);
  tts.catch((err) => {
    voiceFailed = { reason: err };
    stop.abort(err);
    for (const entry of board.values()) entry.reject(err);
  });

  const merge = beside.merge ? scope.config.slots.merge : undefined;
  const parts = merge?.live ? new PartChannel() : undefined;
  let live: Promise<void> | undefined;
  if (merge?.live && parts) {
    const dir = path.join(scope.ref.dir, LIVE_DIR);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const ctx = createContext(scope.withSignal(signal), 'merge', merge.name, dir);
    live = merge.live({ demo, parts, clip: clipOf }, ctx).catch((err: unknown) => {
      // A recording that failed or was cancelled ends the live merge with it: that is the run's story, not a warning.
      if (!signal.aborted && !parts.failed)
        ctx.log.warn(
          `encoding while recording stopped (${(err as Error).message}); the merge stage encodes after the recording instead`,
        );
      throw err;
    });
  }

  const record = runStageIn(scope.withSignal(signal), 'record', {
    ...options,
    clipDuration,
    onPart: parts && ((part) => parts.push(part)),
  });
  record.then(
    () => parts?.end(),
    (err: unknown) => parts?.fail(err),
  );
  const [voice, recording, early] = await Promise.allSettled([tts, record, live ?? Promise.resolve()]);
  if (voice.status === 'rejected') throw voice.reason;
  if (recording.status === 'rejected') throw recording.reason;
  return live && early.status === 'fulfilled' ? LIVE_DIR : undefined;
}
