import sharp from 'sharp';
import type { CssBox } from './box-timeline.js';

/** Where CSS px of the page land in a screencast frame (from the frame's metadata). */
export interface FrameGeometry {
  /** Viewport size in CSS px (`deviceWidth`, `deviceHeight`). */
  cssWidth: number;
  cssHeight: number;
  /** Top offset of the page in the frame, CSS px (`offsetTop`; 0 headless). */
  offsetTop: number;
}

/** What to blur in one frame and how. */
export interface BlurSpec {
  boxes: CssBox[];
  /** Blur the whole frame (a source went silent with boxes on screen, or too many to track). */
  all: boolean;
  /** Margin added around each box, CSS px. */
  padPx: number;
  /** Gaussian sigma, CSS px (scaled to the frame's pixels). */
  sigmaPx: number;
  /** JPEG quality of the re-encoded frame (the capture's own). */
  quality: number;
}

interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Whether any box (with its margin) overlaps the viewport: frames without one are written as received. */
export function touchesFrame(spec: Pick<BlurSpec, 'boxes' | 'all' | 'padPx'>, geom: FrameGeometry): boolean {
  if (spec.all) return true;
  const p = spec.padPx;
  return spec.boxes.some(
    (b) =>
      b.x - p < geom.cssWidth && b.x + b.width + p > 0 && b.y - p + geom.offsetTop < geom.cssHeight && b.y + b.height + p > 0,
  );
}

/**
 * Blur the boxes of one JPEG frame and encode it again at the capture's quality, so the file never
 * holds the clear pixels. Returns undefined when no box falls inside the picture (write the
 * original). Called by Capture for each frame with boxes, concurrently.
 */
export async function blurJpeg(jpeg: Buffer, spec: BlurSpec, geom: FrameGeometry): Promise<Buffer | undefined> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const scale = width / geom.cssWidth;
  const rects: PixelRect[] = spec.all
    ? [{ left: 0, top: 0, width, height }]
    : spec.boxes.flatMap((b) => {
        const left = Math.max(0, Math.floor((b.x - spec.padPx) * scale));
        const top = Math.max(0, Math.floor((b.y + geom.offsetTop - spec.padPx) * scale));
        const right = Math.min(width, Math.ceil((b.x + b.width + spec.padPx) * scale));
        const bottom = Math.min(height, Math.ceil((b.y + geom.offsetTop + b.height + spec.padPx) * scale));
        return right > left && bottom > top ? [{ left, top, width: right - left, height: bottom - top }] : [];
      });
  if (rects.length === 0) return undefined;
  const raw = { width, height, channels };
  const sigma = Math.max(0.5, spec.sigmaPx * scale);
  // Blur each rect with 3 sigma of its surroundings, so its edge blends into the frame, and keep
  // only the rect. A full-precision kernel: libvips' default cuts it short and leaves a pattern.
  const reach = Math.ceil(3 * sigma);
  const patches = await Promise.all(
    rects.map((r) => {
      const left = Math.max(0, r.left - reach);
      const top = Math.max(0, r.top - reach);
      const region = {
        left,
        top,
        width: Math.min(width, r.left + r.width + reach) - left,
        height: Math.min(height, r.top + r.height + reach) - top,
      };
      return sharp(data, { raw })
        .extract(region)
        .blur({ sigma, minAmplitude: 0.01 })
        .raw()
        .toBuffer()
        .then((buf) => ({ buf, region }));
    }),
  );
  // Paste row by row: libvips' composite would convert the whole frame to linear light and back
  // (several times the cost of decoding and encoding it).
  rects.forEach((r, i) => {
    const { buf, region } = patches[i]!;
    const rowBytes = r.width * channels;
    for (let y = 0; y < r.height; y++) {
      const from = ((r.top - region.top + y) * region.width + (r.left - region.left)) * channels;
      buf.copy(data, ((r.top + y) * width + r.left) * channels, from, from + rowBytes);
    }
  });
  return sharp(data, { raw }).jpeg({ quality: spec.quality }).toBuffer();
}
