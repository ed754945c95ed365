import { type Capabilities, requireFeatures } from './ffmpeg/probe.js';
import type { ResolvedOptions } from './options.js';

const burns = (options: ResolvedOptions) => options.captions === 'burn' || options.captions === 'both';

/** Refuse an ffmpeg that lacks a filter or encoder these options need (SR_FFMPEG_FEATURE, naming it). */
export function checkFeatures(caps: Capabilities, options: ResolvedOptions): void {
  requireFeatures(caps, 'the merge', {
    encoders: ['libx264', 'aac'],
    filters: [
      'fps',
      'settb',
      'setpts',
      'trim',
      'scale',
      'colorspace',
      'concat',
      'anullsrc',
      'atrim',
      'apad',
      'aresample',
      'volume',
      'pan',
    ],
  });
  if (options.captions === 'soft' || options.captions === 'both')
    requireFeatures(caps, 'soft captions', { encoders: ['mov_text'] });
  if (burns(options)) requireFeatures(caps, 'burned-in captions', { filters: ['subtitles'] });
  if (options.watermark) requireFeatures(caps, 'the watermark', { filters: ['drawtext'] });
  if (options.zoom) requireFeatures(caps, 'zoom', { filters: ['zoompan'] });
  if (options.intro || options.outro) requireFeatures(caps, 'title cards', { filters: ['color', 'drawtext', 'fade'] });
  if (options.gif) requireFeatures(caps, 'gif', { filters: ['palettegen', 'paletteuse'], encoders: ['gif'] });
  if (options.webm) requireFeatures(caps, 'webm', { encoders: ['libvpx-vp9'] });
}
