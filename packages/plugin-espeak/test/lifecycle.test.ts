// Several runs on one plugin instance, as in a worker: the WASM engine loads once and is shared, a
// run's release drops only its share, the last release lets the engine go (the next clip loads a new
// one), and a run cancelled while the engine loads stops waiting without failing the other run. The
// plugin's "Loaded eSpeak NG" debug line, one per load, is what the tests count.
import path from 'node:path';
import { readWavInfo, type StageContext } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Logged, stageContext, tempDir } from './helpers.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await tempDir();
});

const loads = (logged: Logged[]) =>
  logged.filter((l) => l.level === 'debug' && /^Loaded eSpeak NG in \d+ ms$/.test(l.message)).length;
/** Speak `text` into a new file for the run of `ctx`; returns the clip's length in ms. */
async function say(plugin: ReturnType<typeof espeak>, ctx: StageContext, text: string): Promise<number> {
  const file = path.join(dir, `${ctx.runId}-${n++}.wav`);
  const out = await plugin.run({ text, file }, ctx);
  expect((await readWavInfo(file)).durationMs).toBe(out.durationMs);
  return out.durationMs;
}

describe('the engine is shared by the runs of one instance', () => {
  it('two runs asking at once share one load', async () => {
    const plugin = espeak();
    const logged: Logged[] = [];
    const [a, b] = [stageContext(dir, logged, undefined, 'run-a'), stageContext(dir, logged, undefined, 'run-b')];
    const [x, y] = await Promise.all([say(plugin, a, 'Click Deploy.'), say(plugin, b, 'Your app is live in a minute.')]);
    expect(y).toBeGreaterThan(x);
    expect(loads(logged)).toBe(1);
    await plugin.close?.();
  });

  it("run A's release leaves the engine to run B; B's release lets it go and the next clip loads a new one", async () => {
    const plugin = espeak();
    const logged: Logged[] = [];
    const [a, b] = [stageContext(dir, logged, undefined, 'run-a'), stageContext(dir, logged, undefined, 'run-b')];
    await Promise.all([say(plugin, a, 'One.'), say(plugin, b, 'Two.')]);
    // A ends while B speaks its next clip
    const [spoken] = await Promise.all([
      say(plugin, b, 'Click the Deploy button to publish your app.'),
      plugin.release?.('run-a'),
    ]);
    expect(spoken).toBeGreaterThan(1000);
    await plugin.release?.('run-a'); // twice: nothing more happens
    await say(plugin, b, 'Still here.');
    expect(loads(logged)).toBe(1);

    await plugin.release?.('run-b'); // the last share
    await say(plugin, b, 'Back again.');
    expect(loads(logged)).toBe(2);
    await plugin.close?.();
  });

  it('run A cancelled while the engine loads rejects with SR_ABORTED before the load ends; B gets that same load', async () => {
    const plugin = espeak();
    const logged: Logged[] = [];
    const cancel = new AbortController();
    const a = stageContext(dir, logged, cancel.signal, 'run-a');
    const b = stageContext(dir, logged, undefined, 'run-b');
    const settled: string[] = [];
    const jobA = say(plugin, a, 'Click Deploy.').finally(() => settled.push(`A (loads: ${loads(logged)})`));
    const jobB = say(plugin, b, 'Click Deploy.').finally(() => settled.push(`B (loads: ${loads(logged)})`));
    cancel.abort(); // both wait on the one load started by A's call: it cannot have finished yet
    await expect(jobA).rejects.toMatchObject({
      code: 'SR_ABORTED',
      plugin: '@showrunner/plugin-espeak',
      message: 'The run was cancelled while it waited for the eSpeak NG engine.',
    });
    expect(await jobB).toBeGreaterThan(300);
    expect(settled).toEqual(['A (loads: 0)', 'B (loads: 1)']);
    await plugin.close?.();
  });
});
