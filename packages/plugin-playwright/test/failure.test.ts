import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type Decision,
  type DemoInput,
  readRun,
  runPipeline,
  type ShowrunnerError,
  type StepFailure,
  type UserConfig,
} from '@showrunner/core';
import playwright from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagServer } from './fixture-server.js';
import { chromiumChildren, exampleServer, recordOutput, setupRun } from './helpers.js';

let server: Awaited<ReturnType<typeof exampleServer>>;
beforeAll(async () => {
  server = await exampleServer();
});
afterAll(() => server?.close());

const fast = () =>
  playwright({ leadMs: 50, gapMs: 50, typingDelayMs: 0, stepTimeoutMs: 700, retries: 0, cursorMinMs: 150, cursorMaxMs: 300 });

/** Sign-in page; step 2 targets a button that does not exist. */
const demo: DemoInput = {
  url: '/',
  title: 'failure',
  steps: [
    { id: 'open', action: 'goto', value: '/', narration: 'Open the app.' },
    { id: 'ghost', action: 'click', target: { role: 'button', name: 'Launch rockets' }, narration: 'Click launch.' },
    { id: 'email', action: 'fill', target: { label: 'Email' }, value: 'ada@example.com', narration: 'Type the email.' },
  ],
};

/** Run to the end of record with a scripted decide; collects failures and hook events. */
async function record(
  decisions: (Decision | (() => Decision))[],
  input: DemoInput = demo,
  base = server.url,
  extra: UserConfig = {},
  plugin = fast(),
) {
  const logs: string[] = [];
  const failures: StepFailure[] = [];
  const failedEvents: number[] = [];
  const statuses: string[] = [];
  const hooks = {
    name: 'test:watch',
    hooks: { onStepFailed: ({ attempt }: { attempt: number }) => void failedEvents.push(attempt) },
  };
  const { config, runDir } = await setupRun(input, plugin, base, { plugins: [hooks], ...extra });
  const decide = async (failure: StepFailure) => {
    failures.push(failure);
    statuses.push((await readRun(runDir)).state.status);
    const next = decisions.shift() ?? 'abort';
    return typeof next === 'function' ? next() : next;
  };
  const log = ({ message }: { message: string }) => void logs.push(message);
  const result = await runPipeline(config, runDir, { until: 'record', decide, log }).then(
    () => undefined,
    (err: ShowrunnerError) => err,
  );
  return { config, runDir, failures, failedEvents, statuses, logs, error: result, decide };
}

function expectComplete(runDir: string, out: Awaited<ReturnType<typeof recordOutput>>) {
  const frames = out.recording.frames;
  expect(frames.length).toBeGreaterThan(5);
  for (let i = 1; i < frames.length; i++) expect(frames[i]!.t).toBeGreaterThanOrEqual(frames[i - 1]!.t);
  for (const f of frames) expect(existsSync(path.join(runDir, f.path))).toBe(true);
  let last = 0;
  for (const s of out.steps.filter((r) => r.status === 'done')) {
    expect(s.startMs!).toBeGreaterThanOrEqual(last);
    last = s.endMs!;
  }
  expect(out.recording.durationMs).toBe(last);
}

describe('a missing target', () => {
  it('asks decide with a screenshot and ARIA snapshot; "skip" gives a complete recording', async () => {
    const { runDir, failures, failedEvents, statuses, error } = await record(['skip']);
    expect(error).toBeUndefined();
    expect(failures).toHaveLength(1);
    const f = failures[0]!;
    expect(f).toMatchObject({ index: 1, attempt: 1, step: { id: 'ghost' } });
    expect(f.error.code).toBe('SR_STEP_TARGET_NOT_FOUND');
    expect(f.error.step).toEqual({ index: 1, id: 'ghost' });
    expect(f.error.message).toContain('internal:role=button[name="Launch rockets"i]');
    expect(f.pageUrl).toBe(server.url);
    expect(f.snapshot).toContain('button "Sign in"');
    expect(f.screenshot).toMatch(/^record\/\d+\/failures\/.+\.png$/); // record/<attempt>/failures/
    expect(readFileSync(path.join(runDir, f.screenshot!)).subarray(1, 4).toString()).toBe('PNG');
    expect(failedEvents).toEqual([1]); // onStepFailed, fired by core's decide wrapper
    expect(statuses).toEqual(['paused']);

    const out = await recordOutput(runDir);
    expect(out.steps.map((s) => [s.step.id, s.status])).toEqual([
      ['open', 'done'],
      ['ghost', 'skipped'],
      ['email', 'done'],
    ]);
    expect(out.steps[1]!.error?.code).toBe('SR_STEP_TARGET_NOT_FOUND');
    expect(out.steps[1]!.startMs).toBeUndefined();
    expectComplete(runDir, out);
    // The failed attempt (≥ 700 ms of searching) is cut: the next step starts where the previous ended.
    expect(out.steps[2]!.startMs! - out.steps[0]!.endMs!).toBeLessThan(150);
    expect((await readRun(runDir)).state.steps).toEqual({ open: 'done', ghost: 'skipped', email: 'done' });
  });

  it('"replace" performs the replacement steps with their own clips and results', async () => {
    const replace: Decision = {
      replace: [
        {
          id: 'ghost.1',
          action: 'fill',
          target: { placeholder: 'Your password' },
          value: 'pw',
          narration: 'Type a password instead.',
        },
      ],
    };
    const { runDir, failures, error } = await record([replace]);
    expect(error).toBeUndefined();
    expect(failures).toHaveLength(1);
    const out = await recordOutput(runDir);
    expect(out.steps.map((s) => [s.step.id, s.status])).toEqual([
      ['open', 'done'],
      ['ghost', 'replaced'],
      ['ghost.1', 'done'],
      ['email', 'done'],
    ]);
    const r = out.steps[2]!;
    // Held for its own clip: "Type a password instead." is 24 characters of 12 ms tone.
    expect(r.endMs! - r.narrationMs!).toBeGreaterThanOrEqual(24 * 12 + 50 - 1);
    expect(r.step.resolved).toContain('placeholder');
    expectComplete(runDir, out);
  });

  it('"retry" performs the step again, and it succeeds once the element exists', async () => {
    const flags = await flagServer();
    try {
      const waiting: DemoInput = {
        url: '/',
        title: 'retry',
        steps: [
          { id: 'open', action: 'goto', value: '/', narration: 'Open the waiting room.' },
          { id: 'go', action: 'click', target: { text: 'Continue' }, narration: 'Continue when ready.' },
          { id: 'rest', action: 'wait', value: '200', narration: '' },
        ],
      };
      // The person fixes the app (the button appears), then answers "retry".
      const decisions = [
        () => {
          flags.open();
          return 'retry' as const;
        },
      ];
      const { runDir, failures, failedEvents, error } = await record(decisions, waiting, flags.url, {});
      expect(error).toBeUndefined();
      expect(failures.map((f) => f.attempt)).toEqual([1]);
      expect(failedEvents).toEqual([1]);
      const out = await recordOutput(runDir);
      expect(out.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
      expectComplete(runDir, out);
    } finally {
      await flags.close();
    }
  });

  it('"abort" fails with SR_STEP_ABORTED and leaves a run folder that resumes', async () => {
    const { config, runDir, error } = await record(['abort']);
    expect(error?.code).toBe('SR_STEP_ABORTED');
    expect(error?.step).toEqual({ index: 1, id: 'ghost' });
    expect(error?.stage).toBe('record');
    const state = (await readRun(runDir)).state;
    expect(state.status).toBe('failed');
    expect(state.stages.record?.status).toBe('failed');
    expect(state.stages.tts?.status).toBe('done');
    expect(existsSync(path.join(runDir, 'record', 'output.json'))).toBe(false);

    // Resume: a fresh browser records from the first step; this time the step is skipped.
    const run = await runPipeline(config, runDir, { until: 'record', decide: () => 'skip' });
    expect(run.state.stages.record?.status).toBe('done');
    const out = await recordOutput(runDir);
    expect(out.steps.map((s) => s.status)).toEqual(['done', 'skipped', 'done']);
    expectComplete(runDir, out);
  });
});

describe('recovery', () => {
  it('heals a stale cached selector: a fallback that works replaces it', async () => {
    const healing: DemoInput = {
      url: '/',
      title: 'healing',
      steps: [
        {
          id: 'stale',
          action: 'fill',
          target: { label: 'Email' },
          resolved: 'css=#old-email-field',
          value: 'a@b.co',
          narration: 'Email.',
        },
        {
          id: 'broken',
          action: 'fill',
          target: { label: 'Password' },
          resolved: 'internal:role=[[[',
          value: 'pw',
          narration: 'Password.',
        },
        { id: 'fresh', action: 'click', target: { text: 'Sign in' }, resolved: 'css=button[type=submit]', narration: 'Sign in.' },
      ],
    };
    const { runDir, failures, error } = await record([], healing);
    expect(error).toBeUndefined();
    expect(failures).toHaveLength(0);
    const out = await recordOutput(runDir);
    expect(out.steps.map((s) => s.step.resolved)).toEqual([
      // Healed with the best match: exact before loose.
      'internal:role=textbox[name="Email"s] >> visible=true',
      'internal:role=textbox[name="Password"s] >> visible=true',
      'css=button[type=submit] >> visible=true', // the cached one still works: kept
    ]);
  });

  it('retries a navigation error silently, then asks decide with SR_STEP_NAVIGATION', async () => {
    const nav: DemoInput = {
      url: '/',
      title: 'nav',
      steps: [
        { id: 'open', action: 'goto', value: '/', narration: 'Open.' },
        { id: 'gone', action: 'goto', value: '/no-such-page.html', narration: 'Go nowhere.' },
      ],
    };
    const retrying = playwright({ leadMs: 50, gapMs: 50, stepTimeoutMs: 700, retries: 2 });
    const { failures, error, logs } = await record(['skip'], nav, server.url, {}, retrying);
    expect(error).toBeUndefined();
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error.code).toBe('SR_STEP_NAVIGATION');
    expect(failures[0]!.error.message).toContain('HTTP 404');
    expect(logs.filter((l) => l.includes('SR_STEP_NAVIGATION, retrying'))).toHaveLength(2);
  });

  it('a browser that dies mid-run fails with SR_BROWSER_CRASHED and the run stays resumable', async () => {
    const killer = {
      name: 'test:killer',
      hooks: {
        onStepStart: ({ index }: { index: number }) => {
          if (index === 2) for (const pid of chromiumChildren()) process.kill(pid, 'SIGKILL');
        },
      },
    };
    const steps: DemoInput = {
      url: '/',
      title: 'crash',
      steps: [
        { id: 'open', action: 'goto', value: '/', narration: 'Open.' },
        { id: 'email', action: 'fill', target: { label: 'Email' }, value: 'a@b.co', narration: 'Email.' },
        { id: 'go', action: 'click', target: { text: 'Sign in' }, narration: 'Sign in.' },
      ],
    };
    const { config, runDir, failures, error } = await record([], steps, server.url, { plugins: [killer] });
    expect(error?.code).toBe('SR_BROWSER_CRASHED');
    expect(error?.step).toEqual({ index: 2, id: 'go' });
    expect(failures).toHaveLength(0); // a crash is not a step failure: decide is not asked
    expect((await readRun(runDir)).state.stages.record?.status).toBe('failed');
    expect(chromiumChildren()).toEqual([]);

    const resumed = await runPipeline({ ...config, plugins: [] }, runDir, { until: 'record' });
    expect(resumed.state.stages.record?.status).toBe('done');
    expect((await recordOutput(runDir)).steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
  });
});
