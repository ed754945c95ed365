import path from 'node:path';
import { type RecordInput, type RecordOutput, ShowrunnerError, type StageContext } from '@showrunner/core';
import { type ActionContext, goto } from './actions.js';
import { Capture } from './capture.js';
import { Clock } from './clock.js';
import { PLUGIN_NAME, type ResolvedOptions } from './options.js';
import { Secrets } from './secrets.js';
import { Session } from './session.js';
import { runSteps } from './steps.js';
import { sleep } from './util.js';

/** Time after the last step for frames still in flight to arrive before the capture stops. */
const TAIL_MS = 150;

/**
 * The record stage: open a fresh browser, load the start page, start capturing once it has
 * settled (so t = 0 is the app, not a blank page), perform the steps, and return the frames and
 * step results. Called by the plugin's `run`, once per stage attempt; `track` lets the plugin close
 * the browser from `close()` if the run is torn down mid-way.
 */
export async function record(
  input: RecordInput,
  ctx: StageContext,
  options: ResolvedOptions,
  track: (session: Session | undefined) => void,
): Promise<RecordOutput> {
  const { demo } = input;
  const secrets = new Secrets();
  secrets.check(demo.steps); // fail fast, before a browser starts
  const startUrl = absoluteUrl(demo.url, input.baseUrl);
  const viewport = options.viewport ?? demo.viewport ?? { width: 1280, height: 720 };
  const dsf = options.deviceScaleFactor;

  const session = await Session.open(options, viewport);
  track(session);
  const onAbort = () => void session.close();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const actions: ActionContext = {
      page: session.page,
      overlay: session.overlay,
      network: session.network,
      options,
      secrets,
      resolveUrl: (value: string) => absoluteUrl(value, startUrl),
    };
    try {
      await goto(actions, startUrl);
    } catch (err) {
      if (session.crash) throw session.crash;
      throw new ShowrunnerError(
        'SR_STEP_NAVIGATION',
        `The start page ${startUrl} did not load: ${(err as Error).message.split('\n')[0]}`,
        {
          stage: 'record',
          plugin: PLUGIN_NAME,
          cause: err,
          hint: 'Check that the app is running at that address (and the demo url / baseUrl point at it).',
        },
      );
    }
    await session.overlay.restore();

    const framesDir = path.join(ctx.dir, 'frames');
    const width = Math.round(viewport.width * dsf);
    const height = Math.round(viewport.height * dsf);
    const capture = await Capture.start(
      session.context,
      session.page,
      { dir: framesDir, runDir: ctx.runDir, quality: options.jpegQuality, width, height },
      () => session.overlay.nudge(),
    );
    const clock = new Clock();
    clock.start(capture.origin);

    const steps = await runSteps({ input, ctx, options, session, clock, secrets, actions });

    const ends = steps.map((s) => s.endMs).filter((t): t is number => t !== undefined);
    const durationMs = ends.length ? Math.max(...ends) : clock.now();
    await sleep(TAIL_MS);
    const frames = await capture.stop(clock, durationMs);
    if (frames.length) await ctx.artifact(framesDir, 'frames');
    ctx.log.info(`recorded ${frames.length} frames over ${(durationMs / 1000).toFixed(1)} s`);
    return {
      recording: { width, height, viewport, deviceScaleFactor: dsf, startedAt: clock.startedAt, durationMs, frames },
      steps,
    };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await session.close();
    track(undefined);
  }
}

/** An absolute URL from a demo URL or `goto` value; relative ones resolve against `base`. */
function absoluteUrl(value: string, base: string | undefined): string {
  try {
    return new URL(value, base).href;
  } catch {
    throw new ShowrunnerError(
      'SR_DEMO_INVALID',
      base
        ? `"${value}" is not a URL (base ${base}).`
        : `"${value}" is a relative URL and there is no baseUrl to resolve it against.`,
      {
        stage: 'record',
        plugin: PLUGIN_NAME,
        field: 'url',
        hint: 'Use an absolute URL in the demo, or set `baseUrl` in showrunner.config.ts.',
      },
    );
  }
}
