import { filter, quoteConcatPath } from './ffmpeg/args.js';
import type { MergeModel } from './model.js';
import type { Timeline } from './timeline.js';
import { type ZoomSpan, zoomExpressions } from './zoom.js';

/**
 * The frame schedule as an ffconcat script on a virtual 25 fps clock: each entry lasts a whole
 * number of 1/25 s ticks, one tick per output frame. The concat demuxer's time base comes from the
 * image demuxer (1/25 s), so real timestamps at 30 fps would be rounded and frames dropped; ticks
 * are exact, and the graph re-times them to the output rate. Holds are just longer entries, so
 * the `loop` filter (whose `start=S` repeats frame S-1) is never needed.
 */
export function concatScript(model: MergeModel, timeline: Pick<Timeline, 'runs'>): string {
  const lines = ['ffconcat version 1.0'];
  for (const run of timeline.runs) {
    lines.push(`file ${quoteConcatPath(model.frames[run.frame]!.file)}`, `duration ${ticks(run.count)}`);
  }
  // The demuxer ignores the last entry's duration: repeat it so the final run keeps its length.
  const last = timeline.runs.at(-1)!;
  lines.push(`file ${quoteConcatPath(model.frames[last.frame]!.file)}`, `duration ${ticks(2)}`);
  return `${lines.join('\n')}\n`;
}

/** `count` ticks of 1/25 s as an exact decimal. */
const ticks = (count: number) => (count * 0.04).toFixed(2);

/**
 * JPEG (JFIF) pictures are full-range BT.601; the mp4 is tagged limited-range BT.709. swscale only
 * applies matrices between YUV and RGB (a YUV→YUV "matrix change" just rescales the range, which
 * measured 36 dB PSNR), so the `colorspace` filter does it: 42.5 dB on both 4.x and 5.x, against
 * a 42.8 dB ceiling for 4:2:0. Same primaries and transfer, so it only changes matrix and range.
 */
const TO_BT709 = filter('colorspace', {
  ispace: 'bt470bg',
  iprimaries: 'bt709',
  itrc: 'srgb',
  irange: 'pc',
  space: 'bt709',
  primaries: 'bt709',
  trc: 'srgb',
  range: 'tv',
  format: 'yuv420p',
});

/**
 * Filters from the demuxed JPEGs to the main part at the output size. Per-picture work comes first,
 * once per captured frame (scale, colour conversion), not once per output frame: repeated frames
 * are cheap references after that. Then expand ticks to frames, re-time to the output rate and
 * cut to the planned length; zoom last, per output frame.
 */
export function mainVideoFilters(
  model: MergeModel,
  timeline: Timeline,
  size: { width: number; height: number },
  zoom: ZoomSpan[] | undefined,
): string[] {
  const { fps, mainFrames } = timeline;
  const { width: W, height: H } = size;
  const filters: string[] = [];
  const { width: fw, height: fh } = model.frameSize;
  if (zoom && (fw % 2 || fh % 2)) filters.push(filter('scale', { w: fw - (fw % 2), h: fh - (fh % 2) })); // 4:2:0 needs even sizes
  if (!zoom && (fw !== W || fh !== H)) {
    const sameAspect = Math.abs(fw / fh - W / H) < 0.005;
    filters.push(
      filter('scale', { w: W, h: H, flags: 'lanczos', force_original_aspect_ratio: sameAspect ? undefined : 'decrease' }),
    );
    if (!sameAspect) filters.push(filter('pad', { w: W, h: H, x: '(ow-iw)/2', y: '(oh-ih)/2' }));
  }
  filters.push(
    TO_BT709,
    filter('fps', ['25']),
    filter('settb', [`1/${fps}`]),
    filter('setpts', ['N']),
    filter('fps', [fps]),
    filter('trim', { end_frame: mainFrames }),
  );
  if (zoom) {
    // Zoom reads every captured pixel (e.g. 2× frames) and scales each window down to the output.
    const e = zoomExpressions(zoom, fw);
    filters.push(filter('zoompan', { z: e.z, x: e.x, y: e.y, d: 1, s: `${W}x${H}`, fps }));
  }
  filters.push(filter('setsar', ['1']));
  return filters;
}

/**
 * libass style for burned-in captions; sizes are in its 288-line script units, so they scale with the
 * video. `font` is a fontconfig family with glyphs for the narration's language (captionFont).
 */
export function burnStyle(captionSize: number, font = 'DejaVu Sans'): string {
  const unit = 288 / 720; // captionSize is px at 720p
  const style = {
    FontName: font,
    FontSize: (captionSize * unit).toFixed(1),
    PrimaryColour: '&H00FFFFFF',
    OutlineColour: '&H99000000',
    BackColour: '&H99000000',
    BorderStyle: '1',
    Outline: (captionSize * unit * 0.12).toFixed(1),
    Shadow: '0',
    MarginV: Math.round(captionSize * unit * 1.1).toString(),
    Alignment: '2',
    Encoding: '-1', // base direction from the text: right to left for Arabic and Hebrew
  };
  return Object.entries(style)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
