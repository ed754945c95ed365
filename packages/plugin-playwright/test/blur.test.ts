import path from 'node:path';
import { type DemoInput, runPipeline, type StepInput } from '@showrunner/core';
import playwright, { installOverlay, launchBrowser } from '@showrunner/plugin-playwright';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOutput, setupRun, tempDir } from './helpers.js';
import { HOSTILE, HOSTILE_SECRET, hostileServer } from './hostile-pages.js';

const VIEW = { width: 800, height: 450 };
const CASES = Object.keys(HOSTILE);

type Region = { x: number; y: number; width: number; height: number };
interface Picture {
  data: Buffer;
  width: number;
}

async function picture(file: string): Promise<Picture> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width };
}

/** The field's inside: the box of its magenta pixels, less a margin (blurred edges, the caret). */
function fieldOf(p: Picture): Region | undefined {
  let [x0, y0, x1, y1, n] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, -1, -1, 0];
  const height = p.data.length / 3 / p.width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < p.width; x++) {
      const i = (y * p.width + x) * 3;
      if (p.data[i]! > 170 && p.data[i + 1]! < 90 && p.data[i + 2]! > 170) {
        n++;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (n < 2_000) return undefined;
  return { x: x0 + 10, y: y0 + 10, width: x1 - x0 - 20, height: y1 - y0 - 20 };
}

/**
 * Sharp pixels of a region: where the luma Laplacian exceeds 40. Clear text and password dots have
 * hundreds (their edges are steep); a blurred region has none, and JPEG noise stays far below 40.
 */
function sharpPixels(p: Picture, r: Region): number {
  const luma = (x: number, y: number) => {
    const i = (y * p.width + x) * 3;
    return 0.299 * p.data[i]! + 0.587 * p.data[i + 1]! + 0.114 * p.data[i + 2]!;
  };
  let n = 0;
  for (let y = r.y + 1; y < r.y + r.height - 1; y++)
    for (let x = r.x + 1; x < r.x + r.width - 1; x++)
      if (Math.abs(4 * luma(x, y) - luma(x - 1, y) - luma(x + 1, y) - luma(x, y - 1) - luma(x, y + 1)) > 40) n++;
  return n;
}

const HEADING: Region = { x: 120, y: 60, width: 200, height: 40 };

let server: Awaited<ReturnType<typeof hostileServer>>;
beforeAll(async () => {
  server = await hostileServer();
});
afterAll(() => server?.close());

describe('blur applied to captured frames (hostile pages)', () => {
  /** Sharp pixels of the clear field and of the heading, per case, from a browser with only the CSS layer. */
  const reference: Record<string, { field: number; heading: number }> = {};

  beforeAll(async () => {
    const browser = await launchBrowser();
    const dir = await tempDir();
    try {
      for (const name of CASES) {
        const page = await browser.newPage({ viewport: VIEW });
        await installOverlay(page); // the CSS blur layer, as in a recording
        await page.goto(server.url + name);
        if (HOSTILE[name]!.fill) {
          await page.getByLabel('Secret').fill(HOSTILE_SECRET);
          await page.evaluate('document.activeElement.blur()');
        }
        await page.waitForTimeout(100);
        const file = path.join(dir, `${name}.png`);
        await page.screenshot({ path: file, animations: 'disabled' });
        const p = await picture(file);
        const field = fieldOf(p);
        if (!field) throw new Error(`${name}: no field in the reference`);
        reference[name] = { field: sharpPixels(p, field), heading: sharpPixels(p, HEADING) };
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('every hostile page shows its field in the clear despite the CSS blur layer (control)', () => {
    for (const name of CASES) expect(reference[name]!.field, name).toBeGreaterThan(300);
  });

  it(`blurs the field in every frame of all ${CASES.length} hostile cases (none gets through), and nothing else`, async () => {
    const steps: StepInput[] = CASES.flatMap((name) => {
      const open: StepInput = { id: `${name}-open`, action: 'goto', value: `/${name}`, narration: 'Next.' };
      const c = HOSTILE[name]!;
      const fill: StepInput = {
        id: `${name}-fill`,
        action: 'fill',
        target: { label: 'Secret' },
        value: HOSTILE_SECRET,
        ...(c.sensitive ? { sensitive: true } : {}),
        narration: 'Type.',
      };
      return [open, ...(c.fill ? [fill] : []), { id: `${name}-rest`, action: 'wait', value: '400', narration: '' }];
    });
    const demo: DemoInput = { url: `/${CASES[0]}`, title: 'hostile', steps };
    // No drawn cursor: its sharp arrow over the field (still empty before typing) would count as detail.
    const plugin = playwright({
      viewport: VIEW,
      cursor: false,
      leadMs: 50,
      gapMs: 80,
      typingDelayMs: 35,
      retries: 0,
      stepTimeoutMs: 3_000,
    });
    const { config, runDir } = await setupRun(demo, plugin, server.url);
    await runPipeline(config, runDir, { until: 'record' });
    const out = await recordOutput(runDir);
    expect(out.steps.every((s) => s.status === 'done')).toBe(true);

    const through: string[] = [];
    const seen: Record<string, number> = {};
    const lastOf: Record<string, string> = {};
    const starts = CASES.map((name) => out.steps.find((s) => s.step.id === `${name}-open`)!.startMs!);
    for (const frame of out.recording.frames) {
      // Before the first step: the start page, which is the first case.
      const name =
        CASES[
          Math.max(
            0,
            starts.findLastIndex((t) => t <= frame.t),
          )
        ]!;
      const file = path.join(runDir, frame.path);
      lastOf[name] = file;
      const p = await picture(file);
      const field = fieldOf(p);
      if (!field) continue;
      seen[name] = (seen[name] ?? 0) + 1;
      const found = sharpPixels(p, field);
      // Far below the clear field: 1% of its sharp pixels.
      if (found > reference[name]!.field * 0.01) through.push(`${name} ${frame.path} t=${frame.t}: ${found} sharp pixels`);
    }
    expect(through).toEqual([]);
    for (const name of CASES) {
      expect(seen[name] ?? 0, `frames showing the ${name} field`).toBeGreaterThanOrEqual(3);
      // The blur is local: the heading stays as sharp as in the reference.
      const heading = sharpPixels(await picture(lastOf[name]!), HEADING);
      expect(heading, `${name} heading`).toBeGreaterThan(reference[name]!.heading * 0.7);
    }
  }, 120_000);
});
