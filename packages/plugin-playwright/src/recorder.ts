import path from 'node:path';
import { type RecordInput, type RecordOutput, ShowrunnerError, type StageContext } from '@showrunner/core';
import { type ActionContext, goto } from './actions.js';
import { Capture } from './capture.js';
import { Clock } from './clock.js';
import { Deadline } from './deadline.js';
import { checkTarget } from './navigation.js';
import { PLUGIN_NAME, type ResolvedOptions } from './options.js';
import { PartFeed } from './parts.js';
import { Secrets } from './secrets.js';
import { Session } from './session.js';
import { runSteps } from './steps.js';
import { abortable, cancelled, sleep } from './util.js';

/** Time after the last step for frames still in flight to arrive before the capture stops. */
const TAIL_MS = 150;

/** How the plugin keeps track of the browsers a run has open, from the moment they start launching (see index.ts). */
export interface SessionTracker {
  add(session: Promise<Session>): void;
  remove(session: Promise<Session>): void;
}

/**
 * The record stage: check the start URL, every `goto` and every secret before a browser starts;
 * open a fresh browser, load the start page, start capturing once it has settled (so t = 0 is the
 * app, not a blank page), perform the steps, and return the frames and step results. Called by the
 * plugin's `run`, once per stage attempt; `sessions` lets the plugin close this run's browser from
 * `release(runId)` if the run is torn down mid-way. A cancel (`ctx.signal`) or the recording
 * deadline closes the browser and ends every wait at once.
 */
export async function record(
  input: RecordInput,
  ctx: StageContext,
  options: ResolvedOptions,
  sessions: SessionTracker,
): Promise<RecordOutput> {
  const { demo } = input;
  const { policy } = ctx;
  const startUrl = absoluteUrl(demo.url, input.baseUrl);
  checkTarget(policy, startUrl, startUrl);
  const resolveUrl = (value: string) => absoluteUrl(value, startUrl);
  for (const [index, step] of demo.steps.entries()) {
    if (step.action === 'goto') checkTarget(policy, startUrl, resolveUrl(String(step.value)), { step, index });
  }
  const secrets = new Secrets();
  await secrets.load(demo.steps, policy); // fail fast, before a browser starts
  const viewport = options.viewport ?? demo.viewport ?? { width: 1280, height: 720 };
  const dsf = options.deviceScaleFactor;

  const deadline = new Deadline(options.maxRecordingMs);
  const stopper = new AbortController();
  const stopWith = (reason: ShowrunnerError) => {
    if (!stopper.signal.aborted) stopper.abort(reason);
  };
  const onCancel = () => stopWith(cancelled(PLUGIN_NAME));
  const onDeadline = () => stopWith(deadline.signal.reason as ShowrunnerError);
  ctx.signal.addEventListener('abort', onCancel, { once: true });
  deadline.signal.addEventListener('abort', onDeadline, { once: true });
  if (ctx.signal.aborted) onCancel();
  const stop = stopper.signal;

  let session: Session | undefined;
  let opening: Promise<Session> | undefined;
  try {
    stop.throwIfAborted();
    const launching = Session.open(options, { viewport, policy, start: startUrl, log: ctx.log });
    opening = launching;
    sessions.add(launching);
    session = await abortable(launching, stop).catch(async (err: unknown) => {
      // Cancelled while Chromium starts: wait for it, so no browser outlives the run.
      if (stop.aborted) await launching.then((s) => s.close()).catch(() => {});
      throw err;
    });
    const open = session;
    // Closing the browser ends every Playwright call in flight at once.
    stop.addEventListener('abort', () => void open.close(), { once: true });
    stop.throwIfAborted();

    const actions: ActionContext = {
      page: session.page,
      overlay: session.overlay,
      network: session.network,
      options,
      secrets,
      policy,
      start: startUrl,
      signal: AbortSignal.any([stop, abortOnViolation(session)]),
      resolveUrl,
    };
    try {
      await goto(actions, startUrl);
    } catch (err) {
      if (stop.aborted) throw stop.reason;
      if (session.crash) throw session.crash;
      if (session.watch.pending) throw session.watch.pending;
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
    if (session.watch.pending) throw session.watch.pending; // the start page left the site as it loaded
    await session.overlay.restore();

    const framesDir = path.join(ctx.dir, 'frames');
    const width = Math.round(viewport.width * dsf);
    const height = Math.round(viewport.height * dsf);
    const capture = await abortable(
      Capture.start(
        session.context,
        session.page,
        {
          dir: framesDir,
          runDir: ctx.runDir,
          quality: options.jpegQuality,
          width,
          height,
          blurPx: options.blurPx,
          // Over the captured-bytes limit (or a disk error): end the recording now, like the deadline.
          onFatal: (error) => stopWith(error),
        },
        () => open.overlay.nudge(),
      ),
      stop,
    );
    const clock = new Clock();
    clock.start(capture.origin);
    const geometry = { width, height, viewport, deviceScaleFactor: dsf };
    const feed = input.onPart && new PartFeed(capture, clock, input.onPart, geometry, ctx);

    const steps = await runSteps({
      input,
      ctx,
      options,
      session,
      clock,
      secrets,
      actions,
      deadline,
      stop,
      onStepEnd: (results) => feed?.mark(results),
    });

    const ends = steps.map((s) => s.endMs).filter((t): t is number => t !== undefined);
    const durationMs = ends.length ? Math.max(...ends) : clock.now();
    await sleep(TAIL_MS, stop);
    const frames = await capture.stop(clock, durationMs);
    if (frames.length) await ctx.artifact(framesDir, 'frames');
    const recording = { width, height, viewport, deviceScaleFactor: dsf, startedAt: clock.startedAt, durationMs, frames };
    await feed?.finish(recording, steps);
    const popups = session.popupsClosed();
    const dialogs = Object.entries(session.dialogsAnswered()).map(([type, n]) => `${type} ×${n}`);
    ctx.log.info(
      `recorded ${frames.length} frames over ${(durationMs / 1000).toFixed(1)} s` +
        `${popups ? `; closed ${popups} popups` : ''}${dialogs.length ? `; answered native dialogs: ${dialogs.join(', ')}` : ''}`,
    );
    return { recording, steps };
  } catch (err) {
    // A cancel or the deadline wins over whatever symptom it caused (a closed page, an interrupted load).
    throw stop.aborted ? stop.reason : err;
  } finally {
    ctx.signal.removeEventListener('abort', onCancel);
    deadline.dispose();
    if (session) await session.close();
    if (opening) sessions.remove(opening);
  }
}

/** A signal that aborts with the page's first refused navigation (used while the start page loads). */
function abortOnViolation(session: Session): AbortSignal {
  const controller = new AbortController();
  const off = session.watch.onViolation((error) => {
    off();
    controller.abort(error);
  });
  return controller.signal;
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
