// Per-run lifecycle on one plugin instance: two recordings at once in one process, the shorter
// one released while the longer one records; `close()` ends every run's browser. And the example
// tour recorded as an untrusted run (network guard, same-site navigation) end to end.
import { type DemoInput, type RecordPlugin, runPipeline, runStage, type ShowrunnerError } from '@showrunner/core';
import playwright from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumChildren, exampleServer, recordOutput, setupRun, tourDemo } from './helpers.js';

let server: Awaited<ReturnType<typeof exampleServer>>;
beforeAll(async () => {
  server = await exampleServer();
});
afterAll(() => server?.close());

/** The plugin, with the run id core gives each `run` noted down (the id `release` takes). */
function observed(plugin: RecordPlugin) {
  const ids = new Map<string, string>();
  const wrapped: RecordPlugin = {
    ...plugin,
    run: (input, ctx) => {
      ids.set(ctx.runDir, ctx.runId);
      return plugin.run(input, ctx);
    },
  };
  return { plugin: wrapped, ids };
}

const short: DemoInput = { url: '/', title: 'short', steps: [{ id: 'look', action: 'wait', value: '300', narration: 'Look.' }] };
const long: DemoInput = {
  url: '/',
  title: 'long',
  steps: [
    { id: 'email', action: 'fill', target: { label: 'Email' }, value: 'ada@example.com', narration: 'Type the email address.' },
    { id: 'password', action: 'fill', target: { label: 'Password' }, value: 'orbit-demo', narration: 'And the password.' },
    { id: 'pause', action: 'wait', value: '2500', narration: 'A moment to read the form before signing in.' },
    { id: 'sign-in', action: 'click', target: { role: 'button', name: 'Sign in' }, narration: 'Sign in.' },
    { id: 'rest', action: 'wait', value: '500', narration: '' },
  ],
};

describe('two recordings at once on one plugin instance', () => {
  it("the shorter one's release leaves the longer one's browser alone; the longer one completes", async () => {
    const { plugin, ids } = observed(playwright({ leadMs: 100, gapMs: 100, typingDelayMs: 20 }));
    const a = await setupRun(short, plugin, server.url);
    const b = await setupRun(long, plugin, server.url);
    await Promise.all([runStage(a.config, 'tts', a.runDir), runStage(b.config, 'tts', b.runDir)]);

    const longRun = runStage(b.config, 'record', b.runDir);
    const shortRun = runStage(a.config, 'record', a.runDir);
    let longDone = false;
    void longRun.finally(() => {
      longDone = true;
    });
    await shortRun;
    await plugin.release!(ids.get(a.runDir)!);
    expect(longDone).toBe(false); // the short one really finished first
    expect(chromiumChildren().length).toBeGreaterThanOrEqual(1); // the long one's browser lives on
    await longRun;

    const out = await recordOutput(b.runDir);
    expect(out.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    const frames = out.recording.frames;
    expect(frames.length).toBeGreaterThan(20);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.t).toBeGreaterThanOrEqual(frames[i - 1]!.t);
    let last = 0;
    for (const s of out.steps) {
      expect(s.startMs!).toBeGreaterThanOrEqual(last);
      last = s.endMs!;
    }
    expect(out.recording.durationMs).toBe(last);
    expect(out.steps[2]!.endMs! - out.steps[2]!.startMs!).toBeGreaterThanOrEqual(2_499);
    expect((await recordOutput(a.runDir)).steps.map((s) => s.status)).toEqual(['done']);
    expect(chromiumChildren()).toEqual([]);
  }, 120_000);

  it('close() ends every run’s browser', async () => {
    const { plugin } = observed(playwright({ leadMs: 100, gapMs: 100, typingDelayMs: 20 }));
    const runs = await Promise.all([setupRun(long, plugin, server.url), setupRun(long, plugin, server.url)]);
    await Promise.all(runs.map((r) => runStage(r.config, 'tts', r.runDir)));
    const recording = runs.map((r) =>
      runStage(r.config, 'record', r.runDir).then(
        () => undefined,
        (e: ShowrunnerError) => e,
      ),
    );
    // Both browsers starting or up: close the plugin as a host does on shutdown.
    await expect.poll(() => chromiumChildren().length, { timeout: 30_000 }).toBe(2);
    await plugin.close!();
    const errors = await Promise.all(recording);
    for (const e of errors) expect(e?.code).toBe('SR_ABORTED');
    expect(chromiumChildren()).toEqual([]);
  }, 120_000);
});

describe('an untrusted run', () => {
  it('records the example tour through the network guard, allowed only the app’s address', async () => {
    const port = new URL(server.url).port;
    const plugin = playwright({ typingDelayMs: 20, leadMs: 150, gapMs: 200 });
    const logs: string[] = [];
    const { config, runDir } = await setupRun(await tourDemo(), plugin, server.url, {
      trust: 'untrusted',
      network: { allow: [`127.0.0.1:${port}`] },
    });
    await runPipeline(config, runDir, { until: 'record', log: (e) => void logs.push(e.message), decide: () => 'abort' });
    const out = await recordOutput(runDir);
    expect(out.steps.map((s) => s.status)).toEqual(Array(17).fill('done'));
    expect(out.recording.frames.length).toBeGreaterThan(50);
  }, 180_000);
});
