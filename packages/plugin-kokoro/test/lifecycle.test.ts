// Several runs on one plugin instance, as in a worker: the model loads once and is shared, a run's
// release drops only its share, the last release frees the model, and a run cancelled while the model
// loads stops waiting at once without stopping the load the other run waits on. Real kokoro-js on the
// stand-in model, offline. Seams, all on the libraries (never on the plugin's own modules): a spy on
// transformers' PreTrainedModel.dispose counts models freed, and kokoro-js's from_pretrained and
// generate_from_ids are wrapped to hold a load open or to act while a sentence is in the model.
import path from 'node:path';
import { PreTrainedModel } from '@huggingface/transformers';
import { readWavInfo, type StageContext, type TtsPlugin } from '@showrunner/core';
import kokoro from '@showrunner/plugin-kokoro';
import { KokoroTTS } from 'kokoro-js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { forbidNetwork, type LogLines, removeTempDirs, tempDir, testContext } from './helpers/context.js';
import { type Oracle, oracle } from './helpers/oracle.js';
import { buildKokoroStandin, SAMPLES_PER_TOKEN } from './helpers/standin.js';

let root: string;
let net: ReturnType<typeof forbidNetwork>;
let expected: Oracle;

const plugin = () => kokoro({ modelDir: 'weights', allowDownload: false });
const loads = (logs: LogLines) => logs.filter((l) => l.startsWith('debug: Loaded Kokoro')).length;
const run = (id: string, logs: LogLines, signal?: AbortSignal): Promise<StageContext> => testContext(root, logs, signal, id);
/** Speak `text` to a new file of the run; returns the clip's frame count. */
async function say(p: TtsPlugin, ctx: StageContext, text: string): Promise<number> {
  const file = path.join(ctx.dir, `${ctx.runId}-${Math.random().toString(36).slice(2)}.wav`);
  await p.run({ text, file }, ctx);
  return (await readWavInfo(file)).frames;
}
/** Frames the stand-in gives for `text`, every sentence of it. */
const framesOf = async (text: string) => (await expected.tokens(text)).reduce((a, b) => a + b, 0) * SAMPLES_PER_TOKEN;

beforeAll(async () => {
  net = forbidNetwork();
  root = await tempDir();
  buildKokoroStandin(path.join(root, 'weights'));
  const warm = plugin(); // sets transformers' env, which the oracle's own load relies on
  await say(warm, await run('warm-up', []), 'Warm up.');
  await warm.close?.();
  expected = await oracle(path.join(root, 'weights'));
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await removeTempDirs();
  net.restore();
  expect(net.calls).toEqual([]);
});

describe('the model is shared by the runs of one instance', () => {
  it('two runs asking at once share one load', async () => {
    const p = plugin();
    const logs: LogLines = [];
    const [a, b] = [await run('run-a', logs), await run('run-b', logs)];
    const frames = await Promise.all([say(p, a, 'One.'), say(p, b, 'Three words here.')]);
    expect(frames).toEqual([await framesOf('One.'), await framesOf('Three words here.')]);
    expect(loads(logs)).toBe(1);
    await p.close?.();
  });

  it("releasing run A while run B's sentence is in the model: B completes, the model stays until B's release, then loads anew", async () => {
    const dispose = vi.spyOn(PreTrainedModel.prototype, 'dispose');
    const p = plugin();
    const logs: LogLines = [];
    const [a, b] = [await run('run-a', logs), await run('run-b', logs)];
    await Promise.all([say(p, a, 'One.'), say(p, b, 'Two.')]); // both hold a share
    const text = 'Click Deploy. Your app is live. Invite a teammate.';
    const want = await framesOf(text); // before the spy below: the oracle speaks through kokoro-js too

    const generate = KokoroTTS.prototype.generate_from_ids;
    let releasing: Promise<void> | undefined;
    const inModel = vi.spyOn(KokoroTTS.prototype, 'generate_from_ids').mockImplementation(function (this: KokoroTTS, ...args) {
      releasing ??= p.release!('run-a'); // run A ends now, while B's first sentence is being spoken
      return generate.apply(this, args);
    });
    expect(await say(p, b, text)).toBe(want);
    expect(inModel).toHaveBeenCalledTimes(3);
    await releasing;
    inModel.mockRestore();
    expect(dispose).not.toHaveBeenCalled();

    await p.release!('run-a'); // a second release of the same run changes nothing
    await p.release!('never-ran'); // nor does one of a run that never spoke
    expect(await say(p, b, 'Still here.')).toBe(await framesOf('Still here.'));
    expect(loads(logs)).toBe(1);
    expect(dispose).not.toHaveBeenCalled();

    await p.release!('run-b'); // the last share
    expect(dispose).toHaveBeenCalledTimes(1);
    expect(await say(p, b, 'Back again.')).toBe(await framesOf('Back again.'));
    expect(loads(logs)).toBe(2);
    await p.release!('run-b');
    expect(dispose).toHaveBeenCalledTimes(2);
  });

  it('run A cancelled while the model loads rejects with SR_ABORTED at once; the same load completes for run B', async () => {
    const dispose = vi.spyOn(PreTrainedModel.prototype, 'dispose');
    const want = await framesOf('Click Deploy.');
    const fromPretrained = KokoroTTS.from_pretrained;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let started!: () => void;
    const loading = new Promise<void>((resolve) => {
      started = resolve;
    });
    const loadSpy = vi.spyOn(KokoroTTS, 'from_pretrained').mockImplementation(async (...args) => {
      started();
      await gate; // the load is held here until the test opens the gate
      return fromPretrained.apply(KokoroTTS, args);
    });

    const p = plugin();
    const logs: LogLines = [];
    const cancel = new AbortController();
    const [a, b] = [await run('run-a', logs, cancel.signal), await run('run-b', logs)];
    const jobA = say(p, a, 'Click Deploy.');
    const jobB = say(p, b, 'Click Deploy.');
    await loading;
    cancel.abort();
    await expect(jobA).rejects.toMatchObject({
      code: 'SR_ABORTED',
      plugin: '@showrunner/plugin-kokoro',
      stage: 'tts',
      message: 'The run was cancelled while it waited for the Kokoro model.',
    });
    expect(loads(logs)).toBe(0); // A gave up while the load was still held: it did not wait for it

    open();
    expect(await jobB).toBe(want);
    expect(loadSpy).toHaveBeenCalledTimes(1);
    expect(loads(logs)).toBe(1);
    await p.release!('run-a');
    expect(dispose).not.toHaveBeenCalled();
    await p.release!('run-b');
    expect(dispose).toHaveBeenCalledTimes(1);
  });

  it('close() lets the sentence being spoken finish, then frees the model', async () => {
    const dispose = vi.spyOn(PreTrainedModel.prototype, 'dispose');
    const p = plugin();
    const ctx = await run('run-c', []);
    const text = 'Click Deploy. Your app is live.';
    const want = await framesOf(text);
    const generate = KokoroTTS.prototype.generate_from_ids;
    let closing: Promise<void> | undefined;
    vi.spyOn(KokoroTTS.prototype, 'generate_from_ids').mockImplementation(function (this: KokoroTTS, ...args) {
      closing ??= p.close!(); // the host shuts down mid-clip
      return generate.apply(this, args);
    });
    expect(await say(p, ctx, text)).toBe(want);
    await closing;
    expect(dispose).toHaveBeenCalledTimes(1);
  });
});
