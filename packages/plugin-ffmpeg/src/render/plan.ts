import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildCues, type Cue } from '../captions.js';
import type { MergeModel } from '../model.js';
import type { ResolvedOptions } from '../options.js';
import { planTimeline, type Timeline } from '../timeline.js';
import { planZoom, type ZoomSpan } from '../zoom.js';
import { type AudioSegment, audioSegmentArgs, cutAudio, sampleOf } from './audio.js';
import { Encoder } from './encoder.js';
import type { Looks } from './looks.js';
import { cardSegmentArgs, cutSegment, mainSegmentArgs, type Segment, segmentKey } from './segments.js';

/** One plan of the video: the timeline and what is drawn over it. */
export interface VideoPlan {
  model: MergeModel;
  timeline: Timeline;
  cues: Cue[];
  spans: ZoomSpan[];
}

/** Plan the output frames, the caption cues and the zoom of a model (whole, or a recording so far). */
export function planVideo(model: MergeModel, looks: Looks, options: ResolvedOptions): VideoPlan {
  const timeline = planTimeline(model, {
    fps: looks.fps,
    introMs: looks.intro ? looks.intro.frames * (1000 / looks.fps) : 0,
    outroMs: looks.outro ? looks.outro.frames * (1000 / looks.fps) : 0,
    tailMs: options.tailMs,
  });
  const cues = buildCues(model.shots, timeline);
  const spans = looks.zoom ? planZoom(model, timeline, looks.zoom) : [];
  return { model, timeline, cues, spans };
}

/** The two encoders of one merge and the files they write (into one folder). */
export interface Encoders {
  video: Encoder;
  audio: Encoder;
  files: { video: string; audio: string; webmVideo?: string; webmAudio?: string };
}

/** Start the video and the audio encoder, writing into `dir` (see LIVE_FILES). */
export function startEncoders(
  looks: Looks,
  options: ResolvedOptions,
  dir: string,
  signal: AbortSignal,
  extra: { nice?: number; onProgress?: (ms: number) => void; log?: (line: string) => void } = {},
): Encoders {
  const at = (name: string) => path.join(dir, name);
  const files = {
    video: at(LIVE_FILES.video),
    audio: at(LIVE_FILES.audio),
    webmVideo: looks.webm && at(LIVE_FILES.webmVideo),
    webmAudio: looks.webm && at(LIVE_FILES.webmAudio),
  };
  return {
    video: Encoder.video(looks, options, { mp4: files.video, webm: files.webmVideo }, signal, extra),
    audio: Encoder.audio(looks, options, { mp4: files.audio, webm: files.webmAudio }, signal, {
      nice: extra.nice,
      log: extra.log,
    }),
    files,
  };
}

/** Render a title card into the video encoder. */
export async function renderCard(encoders: Encoders, looks: Looks, which: 'intro' | 'outro', work: string): Promise<void> {
  const card = looks[which];
  if (!card) return;
  await encoders.video.add(looks.bin, await cardSegmentArgs(looks, card, work, which), `the ${which} card`, card.frames);
}

/** Render main-part frames [from, to) of a plan into the video encoder; returns the segment rendered. */
export async function renderMain(
  encoders: Encoders,
  looks: Looks,
  plan: VideoPlan,
  from: number,
  to: number,
  work: string,
  name: string,
): Promise<Segment> {
  const segment = cutSegment(plan.timeline, plan.cues, plan.spans, from, to);
  const args = await mainSegmentArgs(plan.model, plan.timeline, looks, segment, work, name);
  await encoders.video.add(looks.bin, args, `video frames ${from}–${to}`, to - from);
  return segment;
}

/** Render the narration's samples [from, to) of a plan into the audio encoder; returns the segment rendered. */
export async function renderAudio(
  encoders: Encoders,
  looks: Looks,
  plan: VideoPlan,
  options: ResolvedOptions,
  from: number,
  to: number,
): Promise<AudioSegment> {
  const args = audioSegmentArgs(plan.model, plan.timeline, options, from, to);
  await encoders.audio.add(looks.bin, args, `narration samples ${from}–${to}`, to - from);
  return cutAudio(plan.model, plan.timeline, options, from, to);
}

/** Both encoders are done: wait for their files (or stop them both on the first failure). */
export async function finishEncoders(encoders: Encoders): Promise<void> {
  try {
    await Promise.all([encoders.video.finish(), encoders.audio.finish()]);
  } catch (err) {
    await abortEncoders(encoders);
    throw err;
  }
}

export async function abortEncoders(encoders: Encoders | undefined): Promise<void> {
  await Promise.all([encoders?.video.abort(), encoders?.audio.abort()]);
}

/** What a live merge leaves in its folder (manifest.json) for the merge stage to check. */
export interface LiveManifest {
  header: string;
  /** segmentKey of each main-part segment, in order. */
  segments: string[];
  /** Each audio segment (AudioSegment as JSON), in order. */
  audio: string[];
  /** Only set once the encoder wrote every frame and exited cleanly. */
  complete: boolean;
}

export const MANIFEST = 'manifest.json';
/** The encoders' files, in a live merge's folder or a merge's work folder. */
export const LIVE_FILES = { video: 'video.mp4', audio: 'audio.m4a', webmVideo: 'video.webm', webmAudio: 'audio.webm' };

/**
 * Whether a live merge's video is this plan's video: same looks, and its segments, cut again from the
 * final plan, are the same frames, cues and zoom. Returns the reason when it is not (the merge then
 * encodes it all again, from the frames on disk).
 */
export async function checkLive(
  dir: string,
  looks: Looks,
  plan: VideoPlan,
  options: ResolvedOptions,
): Promise<string | undefined> {
  let manifest: LiveManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as LiveManifest;
  } catch {
    return 'it left no manifest (it stopped early)';
  }
  if (!manifest.complete) return 'it did not finish';
  if (manifest.header !== looks.header) return 'the options or the recording geometry changed';
  let at = 0;
  for (const [i, key] of manifest.segments.entries()) {
    const { from, to } = JSON.parse(key) as { from: number; to: number };
    if (from !== at) return `segment ${i} starts at frame ${from}, not ${at}`;
    if (segmentKey(plan.model, plan.timeline, cutSegment(plan.timeline, plan.cues, plan.spans, from, to)) !== key) {
      return `frames ${from}–${to} differ from the final plan (a late frame, or a changed step)`;
    }
    at = to;
  }
  if (at !== plan.timeline.mainFrames) return `it rendered ${at} of ${plan.timeline.mainFrames} frames`;
  let sample = 0;
  for (const key of manifest.audio) {
    const { from, to } = JSON.parse(key) as AudioSegment;
    if (from !== sample || JSON.stringify(cutAudio(plan.model, plan.timeline, options, from, to)) !== key) {
      return `the narration's samples ${from}–${to} differ from the final plan`;
    }
    sample = to;
  }
  const total = sampleOf(plan.timeline, plan.timeline.totalFrames);
  if (sample !== total) return `it wrote ${sample} of ${total} narration samples`;
  return undefined;
}
