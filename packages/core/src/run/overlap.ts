import type { Step } from '../schema/demo.js';
import type { Clip } from '../schema/run.js';
import { spoken } from '../tts/narrator.js';
import type { StageOptions } from './inputs.js';
import type { RunScope } from './scope.js';
import { runStageIn } from './stage.js';

/**
 * Run tts and record side by side: the recorder starts as soon as the browser is up and awaits each
 * step's clip length as the voice produces it (synthesis runs ahead of real time), instead of
 * waiting for every clip first. Both stages still write only their own folders and commit separately.
 */
export async function narrateWhileRecording(scope: RunScope, steps: readonly Step[], options: StageOptions): Promise<void> {
  const board = new Map<string, { promise: Promise<number>; resolve: (ms: number) => void; reject: (e: unknown) => void }>();
  // Once the voice failed, a clip asked for later must fail too, not wait for a voice that is gone.
  let voiceFailed: { reason: unknown } | undefined;
  const slot = (id: string) => {
    let entry = board.get(id);
    if (!entry) {
      let resolve!: (ms: number) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<number>((res, rej) => {
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
  // core's own synthesis inside the record stage.
  const planned = new Map(steps.map((s) => [s.id, spoken(s)]));
  const clipDuration = (step: Step) => (planned.get(step.id) === spoken(step) ? slot(step.id).promise : undefined);
  const stop = new AbortController();
  const signal = AbortSignal.any([scope.signal, stop.signal]);

  const tts = runStageIn(scope, 'tts', {
    ...options,
    onClip(clip: Clip) {
      slot(clip.stepId).resolve(clip.durationMs);
      options.onClip?.(clip);
    },
  });
  tts.catch((err) => {
    voiceFailed = { reason: err };
    stop.abort(err);
    for (const entry of board.values()) entry.reject(err);
  });
  const record = runStageIn(scope.withSignal(signal), 'record', { ...options, clipDuration });
  const [voice, recording] = await Promise.allSettled([tts, record]);
  if (voice.status === 'rejected') throw voice.reason;
  if (recording.status === 'rejected') throw recording.reason;
}
