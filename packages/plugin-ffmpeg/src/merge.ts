import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type MergeInput, type MergeOutput, type OutputFile, ShowrunnerError, type StageContext } from '@showrunner/core';
import { toSrt, toVtt } from './captions.js';
import { buildChapters, type Chapter, toFfmetadata } from './chapters.js';
import { posterFrame, writeGif, writePoster } from './extras.js';
import { checkFeatures } from './features.js';
import { locateFfmpeg } from './ffmpeg/locate.js';
import { probe } from './ffmpeg/probe.js';
import { runFfmpeg, tail } from './ffmpeg/spawn.js';
import { mp4Problem } from './ffmpeg/verify.js';
import { readInput } from './input.js';
import { iso639_2 } from './language.js';
import { muxArgs } from './mux.js';
import { enabled, PLUGIN_NAME, type ResolvedOptions, schemas } from './options.js';
import { sampleOf } from './render/audio.js';
import { type Looks, prepareLooks } from './render/looks.js';
import {
  abortEncoders,
  checkLive,
  type Encoders,
  finishEncoders,
  LIVE_FILES,
  planVideo,
  renderAudio,
  renderCard,
  renderMain,
  startEncoders,
  type VideoPlan,
} from './render/plan.js';

/** merge/output.json of this plugin: the core contract plus the chapters it wrote. */
export interface FfmpegMergeOutput extends MergeOutput {
  chapters: Chapter[];
  /** The ffmpeg that encoded it, e.g. `5.1.9-0+deb12u1 (PATH)`. */
  ffmpeg: string;
  /** True when the video and narration were encoded while recording (`live`), so this merge only muxed. */
  encodedWhileRecording: boolean;
}

/**
 * One merge: check and measure the input, set up the looks and plan the video, write captions and
 * chapters; take the video a live merge encoded while recording when it is this plan's video, else
 * encode it now (cards and the main part into the one encoder); then mux it with the narration into
 * `final.mp4.part`, rename it, then the poster and optional GIF. Called by the plugin's `run`, once
 * per stage attempt (core empties `merge/` before each).
 */
export async function merge(input: MergeInput, ctx: StageContext, options: ResolvedOptions): Promise<FfmpegMergeOutput> {
  const model = await readInput(input, ctx, options);
  const located = await locateFfmpeg({ option: options.ffmpegPath });
  const caps = await probe(located.path);
  ctx.log.info(`ffmpeg ${caps.version} from ${located.source}: ${located.path}`);
  checkFeatures(caps, options);

  const gif = enabled(options.gif, schemas.gif);
  const language = input.demo.language;
  const work = path.join(ctx.dir, '.work');
  await mkdir(work, { recursive: true });
  const out = (name: string) => path.join(ctx.dir, name);
  const geometry = { ...model.frameSize, viewport: model.viewport };
  const looks = await prepareLooks(input.demo, geometry, { bin: located.path, caps }, options, work, ctx);
  const plan = planVideo(model, looks, options);
  const { timeline, cues } = plan;
  const held = timeline.holds.filter((h) => h.frames);
  if (held.length) ctx.log.info(`holding ${held.length} frame(s) so long lines finish: ${held.map((h) => h.frames).join(', ')}`);

  await writeFile(out('captions.vtt'), toVtt(cues, language));
  await writeFile(out('captions.srt'), toSrt(cues));
  const chapters = options.chapters ? buildChapters(model.shots, timeline) : [];
  const metadata = chapters.length || model.title ? path.join(work, 'chapters.ffmeta') : undefined;
  if (metadata) await writeFile(metadata, toFfmetadata(chapters, model.title));

  const encoded = await encode(input, ctx, looks, plan, options, work);
  const files = {
    video: encoded.video,
    audio: encoded.audio,
    webmVideo: encoded.webmVideo,
    webmAudio: encoded.webmAudio,
    srt: out('captions.srt'),
    metadata,
    mp4: out('final.mp4.part'),
    webm: looks.webm && out('final.webm.part'),
  };
  const args = muxArgs(options, { hasCaptions: cues.length > 0, language: options.language ?? iso639_2(language) }, files);
  ctx.log.debug(`ffmpeg ${args.join(' ')}`);

  try {
    await mux(caps.path, args, files.mp4, ctx);
    await rename(files.mp4, out('final.mp4'));
    if (files.webm) await rename(files.webm, out('final.webm'));
  } catch (err) {
    await Promise.all([rm(files.mp4, { force: true }), files.webm && rm(files.webm, { force: true })]);
    throw err;
  }

  const written: OutputFile[] = [
    { role: 'video', path: await ctx.artifact(out('final.mp4'), 'video') },
    { role: 'captions', path: await ctx.artifact(out('captions.vtt'), 'captions') },
    { role: 'subtitles', path: await ctx.artifact(out('captions.srt'), 'subtitles') },
  ];
  if (options.poster !== false) {
    const frame = model.frames[posterFrame(model, typeof options.poster === 'number' ? options.poster : undefined)]!;
    await writePoster(caps.path, frame.file, model.frameSize, looks.size, out('poster.jpg'), ctx.signal);
    written.push({ role: 'poster', path: await ctx.artifact(out('poster.jpg'), 'poster') });
  }
  if (gif) {
    await writeGif(caps.path, out('final.mp4'), gif, out('final.gif'), work, ctx.signal);
    written.push({ role: 'gif', path: await ctx.artifact(out('final.gif'), 'gif') });
  }
  if (files.webm) written.push({ role: 'webm', path: await ctx.artifact(out('final.webm'), 'webm') });
  await rm(work, { recursive: true, force: true });

  return {
    files: written,
    durationMs: Math.round(timeline.totalMs),
    ...looks.size,
    fps: timeline.fps,
    sizeBytes: (await stat(out('final.mp4'))).size,
    narration: model.shots.flatMap((shot, k) => {
      const { levels, text, gainDb } = shot.clip;
      if (gainDb === undefined || !text.trim()) return [];
      const at = timeline.clipStartMs[k]!;
      return [{ stepId: shot.id, startMs: Math.round(at + levels.onsetMs), endMs: Math.round(at + levels.offsetMs) }];
    }),
    chapters,
    ffmpeg: `${caps.version} (${located.source})`,
    encodedWhileRecording: encoded.live,
  };
}

/**
 * The encoded video and narration: the live merge's, when they are this plan's, else encoded now from
 * the frames and clips on disk (the same segments' filters and the same encoders, so the same files;
 * the narration beside the video), with progress.
 */
async function encode(
  input: MergeInput,
  ctx: StageContext,
  looks: Looks,
  plan: VideoPlan,
  options: ResolvedOptions,
  work: string,
): Promise<Encoders['files'] & { live: boolean }> {
  if (input.live) {
    const dir = ctx.resolve(input.live);
    const why = await checkLive(dir, looks, plan, options);
    if (!why) {
      ctx.log.info('using the video encoded while recording');
      return { ...liveFiles(dir, looks), live: true };
    }
    ctx.log.info(`encoding again: the video encoded while recording cannot be used, as ${why}`);
  }
  const total = Math.round(plan.timeline.totalMs);
  let queue = Promise.resolve();
  let last = -1;
  const report = (done: number, message: string) => {
    if (done === last) return;
    last = done;
    queue = queue.then(() => ctx.emit('onProgress', { done, total, message }));
  };
  report(0, 'encoding');
  const encoders = startEncoders(looks, options, work, ctx.signal, {
    onProgress: (ms) => report(Math.min(total, Math.round(ms)), 'encoding'),
    log: (line) => ctx.log.debug(line),
  });
  const { timeline } = plan;
  try {
    await Promise.all([
      (async () => {
        await renderCard(encoders, looks, 'intro', work);
        await renderMain(encoders, looks, plan, 0, timeline.mainFrames, work, 'main');
        await renderCard(encoders, looks, 'outro', work);
      })(),
      renderAudio(encoders, looks, plan, options, 0, sampleOf(timeline, timeline.totalFrames)),
    ]);
    await finishEncoders(encoders);
  } catch (err) {
    await abortEncoders(encoders);
    throw err;
  } finally {
    await queue; // a failing hook surfaces after ffmpeg is done, not mid-stream
  }
  report(total, 'encoded');
  await queue;
  return { ...encoders.files, live: false };
}

/** The files a live merge's encoders wrote into `dir`. */
function liveFiles(dir: string, looks: Looks): Encoders['files'] {
  const at = (name: string) => path.join(dir, name);
  return {
    video: at(LIVE_FILES.video),
    audio: at(LIVE_FILES.audio),
    webmVideo: looks.webm && at(LIVE_FILES.webmVideo),
    webmAudio: looks.webm && at(LIVE_FILES.webmAudio),
  };
}

/**
 * Run the mux, then check the mp4 is whole: ffmpeg 5.1 can exit 0 after "Error writing trailer: File
 * too large".
 */
async function mux(bin: string, args: string[], mp4: string, ctx: StageContext): Promise<void> {
  const { stderr } = await runFfmpeg({ bin, args, what: 'final.mp4', signal: ctx.signal });
  const warnings = tail(stderr, '');
  if (warnings) ctx.log.warn(`ffmpeg warned while writing final.mp4:\n${warnings}`);
  const problem = (await mp4Problem(mp4)) ?? (/Error (writing|closing)/.test(stderr) ? 'write errors' : undefined);
  if (problem) {
    throw new ShowrunnerError('SR_FFMPEG_FAILED', `ffmpeg exited 0 but final.mp4 is incomplete (${problem}):\n${tail(stderr)}`, {
      stage: 'merge',
      plugin: PLUGIN_NAME,
      hint: 'Check free disk space in the run folder, then re-run the merge stage.',
    });
  }
}
