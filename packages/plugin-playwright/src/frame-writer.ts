import { writeFile } from 'node:fs/promises';
import { LIMITS, ShowrunnerError } from '@showrunner/core';
import { type BlurSpec, blurJpeg, type FrameGeometry, touchesFrame } from './blur.js';
import type { CssBox } from './box-timeline.js';

/** Margin blurred around each sensitive box, CSS px (anti-aliased edges, focus rings). */
const PAD_PX = 6;

/** What a capture did so far (benchmarks and tests read it). */
export interface CaptureStats {
  /** Frames received from Chromium. */
  received: number;
  /** Frames written with blurred boxes (re-encoded). */
  blurred: number;
  /** Time spent blurring and re-encoding, ms. */
  blurMs: number;
  /** Frames not written because they could not be blurred. */
  dropped: number;
  /** Bytes of frames written. */
  bytes: number;
}

/** How frames are written. */
export interface WriterOptions {
  /** JPEG quality of re-encoded frames (the capture's own). */
  quality: number;
  /** Gaussian blur of sensitive boxes, CSS px. */
  blurPx: number;
  /** Most bytes of frames to write. Default `LIMITS.capturedBytes`. */
  capturedBytes?: number;
  /** Called once with the error that stopped writing (over the cap, a disk error). */
  onFatal?: (error: ShowrunnerError) => void;
}

/**
 * Writes the frames of one capture: blurs the sensitive boxes into a frame that has any (the clear
 * pixels never reach the disk), writes the others as received, and counts the bytes against the
 * captured-bytes limit. Past the limit, or on a disk error, it writes nothing more and reports the
 * error once. Called by Capture, concurrently for several frames.
 */
export class FrameWriter {
  readonly stats: CaptureStats = { received: 0, blurred: 0, blurMs: 0, dropped: 0, bytes: 0 };
  private readonly cap: number;
  private readonly options: WriterOptions;
  private failed?: ShowrunnerError;

  constructor(options: WriterOptions) {
    this.options = options;
    this.cap = options.capturedBytes ?? LIMITS.capturedBytes;
  }

  /** The error that stopped writing, if any. */
  get error(): ShowrunnerError | undefined {
    return this.failed;
  }

  /** Write one frame (base64 JPEG) to `file`; resolves true once it is on disk. */
  async write(file: string, data: string, geom: FrameGeometry, blur: { boxes: CssBox[]; all: boolean }): Promise<boolean> {
    if (this.failed) return false;
    let bytes: Buffer = Buffer.from(data, 'base64');
    const spec: BlurSpec = { ...blur, padPx: PAD_PX, sigmaPx: this.options.blurPx, quality: this.options.quality };
    if (touchesFrame(spec, geom)) {
      const started = performance.now();
      try {
        const blurred = await blurJpeg(bytes, spec, geom);
        if (blurred) {
          bytes = blurred;
          this.stats.blurred++;
          this.stats.blurMs += performance.now() - started;
        }
      } catch {
        this.stats.dropped++; // never write the clear pixels: a frame that cannot be blurred is left out
        return false;
      }
    }
    if (this.failed) return false;
    if (this.stats.bytes + bytes.length > this.cap) {
      this.fail(
        new ShowrunnerError(
          'SR_LIMIT_EXCEEDED',
          `The recording's frames reached ${this.stats.bytes + bytes.length} bytes, over the limit capturedBytes = ${this.cap}.`,
          {
            stage: 'record',
            field: 'capturedBytes',
            hint: 'Shorten the demo, or lower jpegQuality or the viewport. The frames written so far are kept in the run folder.',
          },
        ),
      );
      return false;
    }
    this.stats.bytes += bytes.length;
    try {
      await writeFile(file, bytes);
      return true;
    } catch (err) {
      this.fail(
        new ShowrunnerError('SR_STAGE_FAILED', `Could not write frame ${file}: ${(err as Error).message}`, {
          stage: 'record',
          cause: err,
          hint: 'Check free space and permissions of the run folder.',
        }),
      );
      return false;
    }
  }

  private fail(error: ShowrunnerError): void {
    if (this.failed) return;
    this.failed = error;
    this.options.onFatal?.(error);
  }
}
