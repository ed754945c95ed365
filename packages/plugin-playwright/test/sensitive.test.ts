import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type DemoInput, runPipeline, runStage, type ShowrunnerError, type StepFailure } from '@showrunner/core';
import playwright, { launchBrowser } from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  edgeEnergy,
  exampleServer,
  filesUnder,
  meanDiff,
  pixels,
  recordOutput,
  regionOfFrames,
  setupRun,
  tempDir,
} from './helpers.js';

const SECRET = 'Quartz-Zebra-7731!';
const ENV = 'SR_TEST_DEMO_PASSWORD';

let server: Awaited<ReturnType<typeof exampleServer>>;
beforeAll(async () => {
  server = await exampleServer();
});
afterAll(() => server?.close());

const demo: DemoInput = {
  url: '/',
  title: 'secret',
  steps: [
    { id: 'open', action: 'goto', value: '/', narration: 'Open the sign-in page.' },
    { id: 'email', action: 'fill', target: { label: 'Email' }, value: 'ada@example.com', sensitive: true, narration: 'Email.' },
    { id: 'password', action: 'fill', target: { label: 'Password' }, value: { env: ENV }, narration: 'Password.' },
    { id: 'ghost', action: 'click', target: { role: 'button', name: 'Nope' }, narration: 'Fails.' },
    { id: 'rest', action: 'wait', value: '300', narration: '' },
  ],
};

type Region = { x: number; y: number; width: number; height: number };

describe('sensitive data', () => {
  let runDir: string;
  const failures: StepFailure[] = [];
  const logs: string[] = [];
  const events: string[] = [];

  beforeAll(async () => {
    process.env[ENV] = SECRET;
    const spy = { name: 'test:spy', hooks: { onStepEnd: (e: unknown) => void events.push(JSON.stringify(e)) } };
    const plugin = playwright({ leadMs: 50, gapMs: 50, typingDelayMs: 30, stepTimeoutMs: 600, retries: 0 });
    const setup = await setupRun(demo, plugin, server.url, { plugins: [spy] });
    runDir = setup.runDir;
    const decide = (f: StepFailure) => {
      failures.push(f);
      return 'skip' as const;
    };
    await runPipeline(setup.config, runDir, { until: 'record', decide, log: (e) => void logs.push(e.message) });
    delete process.env[ENV];
  }, 60_000);

  it('never writes the secret to the run folder, logs, hook events or the failure evidence', () => {
    for (const file of filesUnder(runDir)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(SECRET)), file).toBe(false);
      expect(bytes.includes(Buffer.from(SECRET, 'utf16le')), file).toBe(false);
    }
    expect(logs.join('\n')).not.toContain(SECRET);
    expect(events.join('\n')).not.toContain(SECRET);
    expect(failures.map((f) => f.step.id)).toEqual(['ghost']);
    const failure = failures[0]!;
    const evidence = JSON.stringify({ ...failure, error: failure.error.toJSON() });
    expect(evidence).not.toContain(SECRET);
    // An ARIA snapshot prints field values: the recorder masks secrets and sensitive values.
    expect(failure.snapshot).toContain('textbox "Password"');
    expect(failure.snapshot).toContain('••••••');
    expect(failure.snapshot).not.toContain('ada@example.com');
  });

  it('blurs the password and sensitive fields in every frame (pixel check against an unblurred reference)', async () => {
    const out = await recordOutput(runDir);
    // Reference: the same page and values in a plain browser, without the recorder's overlay.
    const browser = await launchBrowser();
    const dir = await tempDir();
    const shot = path.join(dir, 'reference.png');
    let email: Region;
    let password: Region;
    let heading: Region;
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(server.url);
      await page.getByLabel('Email').fill('ada@example.com');
      await page.getByLabel('Password').fill(SECRET);
      await page.locator('body').click({ position: { x: 5, y: 5 } }); // no focus ring, as after typing
      const inner = async (label: string) => {
        const b = (await page.getByLabel(label).boundingBox())!;
        return { x: Math.round(b.x + 8), y: Math.round(b.y + 8), width: 130, height: Math.round(b.height - 16) };
      };
      email = await inner('Email');
      password = await inner('Password');
      const h = (await page.getByRole('heading', { name: 'Welcome back' }).boundingBox())!;
      heading = { x: Math.round(h.x), y: Math.round(h.y), width: 160, height: Math.round(h.height) };
      await page.screenshot({ path: shot });
    } finally {
      await browser.close();
    }
    const energy = (rgb: Buffer, r: Region) => edgeEnergy(rgb, r.width, r.height);
    const sharpPassword = energy(pixels(shot, password), password);
    const sharpEmail = energy(pixels(shot, email), email);
    expect(sharpPassword).toBeGreaterThan(20); // the reference really shows sharp dots

    const frames = out.recording.frames;
    const files = frames.map((f) => path.join(runDir, f.path));
    const passwordCrops = regionOfFrames(files, password);
    const emailCrops = regionOfFrames(files, email);
    const emailStep = out.steps.find((s) => s.step.id === 'email')!;
    for (const [i, f] of frames.entries()) {
      expect(energy(passwordCrops[i]!, password), `password in ${f.path}`).toBeLessThan(sharpPassword * 0.2);
      // The sensitive mark is set as soon as the target is found, before the glide and the typing.
      if (f.t >= emailStep.startMs! + 300)
        expect(energy(emailCrops[i]!, email), `email in ${f.path}`).toBeLessThan(sharpEmail * 0.2);
    }
    // The rest of the page is as sharp as the reference: the blur is local.
    expect(meanDiff(pixels(files.at(-1)!, heading), pixels(shot, heading))).toBeLessThan(6);
  });

  it('fails fast with SR_SECRET_MISSING naming the step and variable, before any browser starts', async () => {
    delete process.env[ENV];
    const { config, runDir } = await setupRun(demo, playwright({ executablePath: '/nonexistent/chrome' }), server.url);
    await runStage(config, 'tts', runDir);
    const error = await runStage(config, 'record', runDir).catch((e: ShowrunnerError) => e);
    expect(error).toMatchObject({ code: 'SR_SECRET_MISSING', step: { index: 2, id: 'password' }, field: 'steps.2.value' });
    expect((error as Error).message).toContain(ENV);
  });
});
