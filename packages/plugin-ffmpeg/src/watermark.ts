import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { filter } from './ffmpeg/args.js';
import type { ResolvedWatermark } from './options.js';
import { plainText } from './text.js';

/** Where the mark goes and how it looks, once the output size and a font are known. */
export interface WatermarkPlan {
  watermark: ResolvedWatermark;
  size: { width: number; height: number };
  /** Text file the filter reads (no escaping or `%` expansion applies to it). */
  textFile: string;
  /** A font file (DejaVu Sans Bold), else a fontconfig family for text in other scripts. */
  font: { file?: string; family?: string };
}

/** Write the mark's text next to the other work files; returns the file. Called once per merge. */
export async function writeWatermarkText(watermark: ResolvedWatermark, workDir: string): Promise<string> {
  const file = path.join(workDir, 'watermark.txt');
  await writeFile(file, plainText(watermark.text)); // drawtext draws control characters as boxes
  return file;
}

/**
 * The drawtext filter of the mark: small (1/40 of the height), white at `opacity` on a dark box at
 * half that, a margin of 1/60 of the height from its corner. Applied last in the one encode, after
 * cards, zoom and burned captions, so it sits on every frame without a second pass.
 */
export function watermarkFilter(plan: WatermarkPlan): string {
  const { width: W, height: H } = plan.size;
  const size = Math.max(10, Math.round(H / 40));
  const margin = Math.max(4, Math.round(H / 60));
  const pad = Math.max(2, Math.round(size * 0.35));
  const [vertical, horizontal] = plan.watermark.position.split('-') as ['top' | 'bottom', 'left' | 'right'];
  const alpha = (a: number) => a.toFixed(2);
  return filter('drawtext', {
    fontfile: plan.font.file,
    font: plan.font.file ? undefined : plan.font.family,
    textfile: plan.textFile,
    expansion: 'none',
    fontsize: size,
    fontcolor: `white@${alpha(plan.watermark.opacity)}`,
    box: 1,
    boxcolor: `black@${alpha(plan.watermark.opacity / 2)}`,
    boxborderw: pad,
    x: horizontal === 'left' ? margin + pad : `${W - margin - pad}-text_w`,
    y: vertical === 'top' ? margin + pad : `${H - margin - pad}-text_h`,
  });
}
