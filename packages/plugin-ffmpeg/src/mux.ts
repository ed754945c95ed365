import { runFile } from './ffmpeg/args.js';
import type { ResolvedOptions } from './options.js';

/** Files the mux reads and writes, all in the merge's folders. */
export interface MuxFiles {
  /** The encoded video (H.264 in mp4) and narration (AAC in m4a), and their WebM twins when a WebM is made. */
  video: string;
  audio: string;
  webmVideo?: string;
  webmAudio?: string;
  /** SubRip captions: the soft mov_text track. */
  srt: string;
  /** ffmetadata with the title and chapters; absent when there is neither. */
  metadata?: string;
  /** Partial outputs, renamed by the merge when ffmpeg succeeded. */
  mp4: string;
  webm?: string;
}

/**
 * The last ffmpeg of a merge: the encoded video and narration copied as they are, with the soft
 * captions, title and chapters, `+faststart`; the WebM gets the twins. Nothing is encoded here, so it
 * takes a fraction of a second. Pure: returns the argument array. Called once per merge.
 */
export function muxArgs(options: ResolvedOptions, plan: { hasCaptions: boolean; language: string }, files: MuxFiles): string[] {
  // An empty .srt is not a valid input: with no spoken line there is simply no caption track.
  const soft = plan.hasCaptions && (options.captions === 'soft' || options.captions === 'both');
  const inputs = [...runFile(files.video, 'mp4'), ...runFile(files.audio, 'mp4')];
  let next = 2;
  const webm = files.webm && files.webmVideo && files.webmAudio ? next : undefined;
  if (webm !== undefined) {
    inputs.push(...runFile(files.webmVideo!, 'webm'), ...runFile(files.webmAudio!, 'webm'));
    next += 2;
  }
  const subsInput = soft ? next++ : undefined;
  if (soft) inputs.push(...runFile(files.srt, 'srt'));
  const metaInput = files.metadata ? next++ : undefined;
  if (files.metadata) inputs.push(...runFile(files.metadata, 'ffmetadata'));

  const mp4 = [
    ...['-map', '0:v', '-map', '1:a'],
    ...(subsInput !== undefined ? ['-map', `${subsInput}:s:0`] : []),
    ...(metaInput !== undefined ? ['-map_metadata', String(metaInput), '-map_chapters', String(metaInput)] : []),
    ...['-c:v', 'copy', '-c:a', 'copy'],
    ...(subsInput !== undefined ? ['-c:s', 'mov_text', '-metadata:s:s:0', `language=${plan.language}`] : []),
    ...['-metadata:s:a:0', `language=${plan.language}`],
    ...['-movflags', '+faststart', '-f', 'mp4', files.mp4],
  ];
  const webmOut =
    webm !== undefined && files.webm
      ? ['-map', `${webm}:v`, '-map', `${webm + 1}:a`, '-map_chapters', '-1', '-c', 'copy', '-f', 'webm', files.webm]
      : [];
  return [...inputs, ...mp4, ...webmOut];
}
