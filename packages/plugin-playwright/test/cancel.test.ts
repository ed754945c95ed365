// Cancellation reaches every wait of the recorder, and the recording deadline ends a recording
// that runs too long. Each case measures from the abort (or deadline) to the rejection of
// runPipeline, checks the browser is gone and the run folder still reads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type DemoInput, type HookPlugin, readRun, runPipeline, type ShowrunnerError, type StepFailure } from '@showrunner/core';
import playwright from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumChildren, recordOutput, setupRun } from './helpers.js';
import { type HostileServer, hostileServer } from './hostile-server.js';

let server: HostileServer;
beforeAll(async () => {
  server = await hostileServer();
});
afterAll(() => server?.close());

const fast = (extra = {}) => playwright({ leadMs: 50, gapMs: 50, stepTimeoutMs: 600, retries: 0, ...extra });

/** Cancel times measured in this file, for the report. */
const measured: Record<string, number> = {};
afterAll(() => console.log('cancel → rejection (ms):', JSON.stringify(measured)));

/**
 * Record `demo`; `arm(cancel)` decides when to cancel. Resolves with the error, the ms from the
 * abort to the rejection, and the run folder.
 */
async function cancelled(
  name: string,
  demo: DemoInput,
  arm: (cancel: () => void) => { decide?: () => Promise<never>; plugins?: HookPlugin[] },
) {
  const controller = new AbortController();
  let abortedAt = 0;
  const cancel = () => {
    abortedAt = Date.now();
    controller.abort();
  };
  const { decide, plugins = [] } = arm(cancel);
  const { config, runDir } = await setupRun(demo, fast(), server.url, { plugins });
  const error = await runPipeline(config, runDir, { until: 'record', signal: controller.signal, decide }).then(
    () => undefined,
    (e: ShowrunnerError) => e,
  );
  const ms = Date.now() - abortedAt;
  measured[name] = ms;
  return { error, ms, runDir };
}

async function expectIntact(runDir: string) {
  const run = await readRun(runDir);
  expect(run.demo?.steps.length).toBeGreaterThan(0);
  expect(run.state.stages.tts?.status).toBe('done');
  expect(existsSync(path.join(runDir, 'tts', 'output.json'))).toBe(true);
  expect(existsSync(path.join(runDir, 'record', 'output.json'))).toBe(false);
}

describe('cancelling a recording', () => {
  it('during a 60 s wait ends it within 2 s with SR_ABORTED, browser closed', async () => {
    const demo: DemoInput = {
      url: '/',
      title: 'wait',
      steps: [{ id: 'nap', action: 'wait', value: '60000', narration: 'A long pause.' }],
    };
    // Cancel 1 s into the wait.
    const { error, ms, runDir } = await cancelled('wait', demo, (cancel) => ({
      plugins: [{ name: 'test:cancel', hooks: { onStepStart: () => void setTimeout(cancel, 1_000) } }],
    }));
    expect(error?.code).toBe('SR_ABORTED');
    expect(ms).toBeLessThan(2_000);
    expect(chromiumChildren()).toEqual([]);
    await expectIntact(runDir);
  }, 60_000);

  it('during an unanswered decision ends it within 2 s', async () => {
    const demo: DemoInput = {
      url: '/',
      title: 'decide',
      steps: [{ id: 'ghost', action: 'click', target: { text: 'Nothing like this' }, narration: 'Fails.' }],
    };
    const { error, ms, runDir } = await cancelled('decision', demo, (cancel) => ({
      decide: (_f?: StepFailure) => {
        setTimeout(cancel, 500);
        return new Promise<never>(() => {}); // nobody ever answers
      },
    }));
    expect(error?.code).toBe('SR_ABORTED');
    expect(ms).toBeLessThan(2_000);
    expect(chromiumChildren()).toEqual([]);
    await expectIntact(runDir);
  }, 60_000);

  it('during a start page that never finishes loading ends it within 2 s', async () => {
    const demo: DemoInput = {
      url: '/hang',
      title: 'hang',
      steps: [{ id: 'look', action: 'wait', value: '100', narration: '' }],
    };
    const { error, ms, runDir } = await cancelled('page load', demo, (cancel) => {
      server.onHang(() => setTimeout(cancel, 500));
      return {};
    });
    expect(error?.code).toBe('SR_ABORTED');
    expect(ms).toBeLessThan(2_000);
    expect(chromiumChildren()).toEqual([]);
    await expectIntact(runDir);
  }, 60_000);
});

describe('the recording deadline (maxRecordingMs)', () => {
  it('ends a recording that runs too long with SR_LIMIT_EXCEEDED, the run folder intact', async () => {
    const demo: DemoInput = {
      url: '/',
      title: 'long',
      steps: [{ id: 'nap', action: 'wait', value: '60000', narration: '' }],
    };
    const { config, runDir } = await setupRun(demo, fast({ maxRecordingMs: 3_000 }), server.url);
    const started = Date.now();
    const error = await runPipeline(config, runDir, { until: 'record' }).then(
      () => undefined,
      (e: ShowrunnerError) => e,
    );
    expect(error).toMatchObject({ code: 'SR_LIMIT_EXCEEDED', field: 'recordingMs', stage: 'record' });
    expect(error?.message).toContain('maxRecordingMs');
    // tts, the browser start and the deadline itself, then 2 s at most to stop.
    expect(Date.now() - started).toBeLessThan(3_000 + 5_000);
    expect(chromiumChildren()).toEqual([]);
    await expectIntact(runDir);
  }, 60_000);

  it('leaves the time spent waiting for a decision out', async () => {
    const demo: DemoInput = {
      url: '/',
      title: 'slow decision',
      steps: [
        { id: 'ghost', action: 'click', target: { text: 'Nothing like this' }, narration: '' },
        { id: 'look', action: 'wait', value: '200', narration: '' },
      ],
    };
    const { config, runDir } = await setupRun(demo, fast({ maxRecordingMs: 6_000 }), server.url);
    const decide = () => new Promise<'skip'>((resolve) => setTimeout(() => resolve('skip'), 7_000));
    await runPipeline(config, runDir, { until: 'record', decide });
    expect((await recordOutput(runDir)).steps.map((s) => s.status)).toEqual(['skipped', 'done']);
  }, 60_000);
});
