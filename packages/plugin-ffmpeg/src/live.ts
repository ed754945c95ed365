import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Clip, type Frame, type LiveMergeInput, ShowrunnerError, type StageContext } from '@showrunner/core';
import { checkFeatures } from './features.js';
import { locateFfmpeg } from './ffmpeg/locate.js';
import { probe } from './ffmpeg/probe.js';
import { inputCache, readInput } from './input.js';
import { PLUGIN_NAME, type ResolvedOptions } from './options.js';
import { sampleOf } from './render/audio.js';
import { type Looks, prepareLooks } from './render/looks.js';
import {
  abortEncoders,
  type Encoders,
  finishEncoders,
  type LiveManifest,
  MANIFEST,
  planVideo,
  renderAudio,
  renderCard,
  renderMain,
  startEncoders,
  type VideoPlan,
} from './render/plan.js';
import { segmentKey } from './render/segments.js';
import { framesUpTo } from './timeline.js';

/** The live encoder runs below the browser's priority: the recording must never wait for it. */
const NICE = 10;
/** A growing recording is planned as if it went on this much longer, so its end never clamps a hold it already knows. */
const PLAN_AHEAD_MS = 1000;

/**
 * Encode while recording (MergePlugin.live). For each recorded part: plan the recording so far, and
 * render every output frame that can no longer change (settledFrames) into the video encoder as a
 * segment, and the narration up to the same point into the audio encoder. After the last part only
 * the tail remains: the last step's hold, the outro, the end of the track. Writes the encoders'
 * files and a manifest into `ctx.dir`; the merge stage checks them against its plan, then only muxes.
 */
export async function liveMerge(input: LiveMergeInput, ctx: StageContext, options: ResolvedOptions): Promise<void> {
  const located = await locateFfmpeg({ option: options.ffmpegPath });
  const caps = await probe(located.path);
  checkFeatures(caps, options);
  const work = path.join(ctx.dir, '.work');
  await mkdir(work, { recursive: true });
  const cache = inputCache();
  const frames: Frame[] = [];
  const clips = new Map<string, Clip>();
  const segments: string[] = [];
  const audio: string[] = [];
  let looks: Looks | undefined;
  let encoders: Encoders | undefined;
  let rendered = 0;
  let sampled = 0;
  let finished = false;
  try {
    for await (const part of input.parts) {
      frames.push(...part.frames);
      for (const r of part.steps) {
        if (r.status !== 'done' || clips.has(r.step.id)) continue;
        const clip = input.clip(r.step.id);
        if (!clip) throw giveUp(`step "${r.step.id}" has no clip from the voice yet (it was added during the recording)`);
        clips.set(r.step.id, await clip);
      }
      if (!part.steps.some((r) => r.status === 'done')) continue;
      const recording = part.recording ?? {
        ...part.geometry,
        startedAt: 0,
        durationMs: part.untilMs + PLAN_AHEAD_MS,
        frames,
      };
      const model = await readInput(
        { demo: input.demo, recording, steps: part.steps, clips: [...clips.values()] },
        ctx,
        options,
        cache,
      );
      if (!looks || !encoders) {
        looks = await prepareLooks(input.demo, part.geometry, { bin: located.path, caps }, options, work, ctx);
        encoders = startEncoders(looks, options, ctx.dir, ctx.signal, { nice: NICE, log: (line) => ctx.log.debug(line) });
        await renderCard(encoders, looks, 'intro', work);
      }
      const plan = planVideo(model, looks, options);
      const { timeline } = plan;
      const to = part.recording ? timeline.mainFrames : settledFrames(plan, Boolean(looks.zoom));
      // The narration up to the same frame (the whole track at the end, outro included).
      const sampleTo = part.recording ? sampleOf(timeline, timeline.totalFrames) : sampleOf(timeline, timeline.introFrames + to);
      const [segment, sound] = await Promise.all([
        to > rendered ? renderMain(encoders, looks, plan, rendered, to, work, `live-${segments.length}`) : undefined,
        sampleTo > sampled ? renderAudio(encoders, looks, plan, options, sampled, sampleTo) : undefined,
      ]);
      if (segment) segments.push(segmentKey(model, timeline, segment));
      if (sound) audio.push(JSON.stringify(sound));
      rendered = Math.max(rendered, to);
      sampled = Math.max(sampled, sampleTo);
      if (part.recording) finished = true;
    }
    if (!finished || !looks || !encoders) throw giveUp('the recording ended without its last part');
    await renderCard(encoders, looks, 'outro', work);
    await finishEncoders(encoders);
    const manifest: LiveManifest = { header: looks.header, segments, audio, complete: true };
    await writeFile(path.join(ctx.dir, MANIFEST), JSON.stringify(manifest));
    ctx.log.debug(`encoded ${encoders.video.frames} frames while recording, in ${segments.length} segments`);
  } catch (err) {
    await abortEncoders(encoders);
    throw err;
  }
}

/**
 * How many main-part frames of a plan of the recording so far can no longer change. Without zoom:
 * every frame that shows only recording time up to the latest step's end (the next step's start, which
 * fixes this step's hold, comes later). With zoom, the latest step's ease-out depends on that start:
 * only the frames before the latest step.
 */
function settledFrames(plan: VideoPlan, zoom: boolean): number {
  const { timeline, model } = plan;
  const latest = model.shots.at(-1)!;
  if (zoom) return Math.round((timeline.shotStartMs.at(-1)! - timeline.mainStartMs) / timeline.frameMs);
  return framesUpTo(timeline, latest.endMs);
}

const giveUp = (why: string) =>
  new ShowrunnerError('SR_STAGE_FAILED', `Encoding while recording stopped: ${why}.`, {
    stage: 'merge',
    plugin: PLUGIN_NAME,
    hint: 'Nothing is lost: the merge stage encodes from the frames on disk after the recording.',
  });
