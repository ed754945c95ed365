/**
 * @showrunner/plugin-playwright: the record stage. Performs a demo's steps in real Chromium while
 * capturing screencast frames, with a drawn cursor, narration pacing, self-healing targets and the
 * failure protocol (retry / skip / replace / abort).
 */
import { definePlugin, type RecordPlugin } from '@showrunner/core';
import { PLUGIN_NAME, type PlaywrightOptions, resolveOptions } from './options.js';
import type { Session } from './session.js';

export { type BrowserOptions, CHROMIUM_ARGS, findChromium, launchBrowser, launchInfo } from './browser.js';
export type { LaunchInfo } from './guard/launch.js';
export { SOCKS_REPLY, type SocksProxy, startSocksProxy } from './guard/socks.js';
export { PLUGIN_NAME, type PlaywrightOptions, type ResolvedOptions } from './options.js';
export { installOverlay, type OverlayBox, type OverlayConfig, SENSITIVE_ATTR } from './overlay.js';
export { ariaSnapshot, type SnapshotOptions } from './snapshot.js';
export { type Candidate, candidates } from './targets.js';

/**
 * The record-stage plugin for `showrunner.config.ts`: `record: playwright({ ... })`. Validates its
 * options now (SR_CONFIG_INVALID), and imports playwright-core only when a run records. One
 * instance may record several runs at once (a worker, a test): each run's browsers are kept under
 * its run id, so one run's `release` never closes another's.
 */
export default function playwright(options: PlaywrightOptions = {}): RecordPlugin {
  const resolved = resolveOptions(options);
  const open = new Map<string, Set<Promise<Session>>>();
  const terminate = async (sessions: Iterable<Promise<Session>>) => {
    await Promise.all([...sessions].map((s) => s.then((session) => session.terminate()).catch(() => {})));
  };
  return definePlugin({
    name: PLUGIN_NAME,
    stage: 'record',
    async run(input, ctx) {
      const { record } = await import('./recorder.js');
      return record(input, ctx, resolved, {
        add(session) {
          const mine = open.get(ctx.runId) ?? new Set();
          mine.add(session);
          open.set(ctx.runId, mine);
        },
        remove(session) {
          const mine = open.get(ctx.runId);
          mine?.delete(session);
          if (mine?.size === 0) open.delete(ctx.runId);
        },
      });
    },
    /**
     * Called by core once when a run ends in this process: stops a recording of that run still in
     * flight (SR_ABORTED) and closes its browser, even one still starting. Other runs keep theirs.
     */
    async release(runId) {
      const mine = open.get(runId);
      open.delete(runId);
      await terminate(mine ?? []);
    },
    /** Called by the host on shutdown: the same for every run. */
    async close() {
      const all = [...open.values()].flatMap((set) => [...set]);
      open.clear();
      await terminate(all);
    },
  });
}
