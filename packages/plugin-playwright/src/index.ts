/**
 * @showrunner/plugin-playwright: the record stage. Performs a demo's steps in real Chromium while
 * capturing screencast frames, with a drawn cursor, narration pacing, self-healing targets and the
 * failure protocol (retry / skip / replace / abort).
 */
import { definePlugin, type RecordPlugin } from '@showrunner/core';
import { PLUGIN_NAME, type PlaywrightOptions, resolveOptions } from './options.js';
import type { Session } from './session.js';

export { type BrowserOptions, CHROMIUM_ARGS, findChromium, launchBrowser } from './browser.js';
export { PLUGIN_NAME, type PlaywrightOptions, type ResolvedOptions } from './options.js';
export { installOverlay, type OverlayBox, type OverlayConfig, SENSITIVE_ATTR } from './overlay.js';
export { ariaSnapshot, type SnapshotOptions } from './snapshot.js';
export { type Candidate, candidates } from './targets.js';

/**
 * The record-stage plugin for `showrunner.config.ts`: `record: playwright({ ... })`. Validates its
 * options now (SR_CONFIG_INVALID), and imports playwright-core only when a run records.
 */
export default function playwright(options: PlaywrightOptions = {}): RecordPlugin {
  const resolved = resolveOptions(options);
  const open = new Set<Session>();
  return definePlugin({
    name: PLUGIN_NAME,
    stage: 'record',
    async run(input, ctx) {
      const { record } = await import('./recorder.js');
      let current: Session | undefined;
      return record(input, ctx, resolved, (session) => {
        if (current) open.delete(current);
        current = session;
        if (session) open.add(session);
      });
    },
    /** Called by core when the run ends: closes a browser a torn-down recording left open. */
    async close() {
      await Promise.all([...open].map((s) => s.close()));
      open.clear();
    },
  });
}
