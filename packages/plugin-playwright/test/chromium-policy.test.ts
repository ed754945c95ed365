// Chromium under a hostile page: dialogs answered (and loops of them ended), popups closed or
// followed by policy, downloads refused, service workers blocked, a beforeunload prompt accepted.
// Each hostile step is followed by a check that the page still answers.
import { type DemoInput, runPipeline, type StepFailure, type StepInput } from '@showrunner/core';
import playwright from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, recordOutput, setupRun } from './helpers.js';
import { DOWNLOAD_BYTES, type HostileServer, hostileServer } from './hostile-server.js';

let server: HostileServer;
beforeAll(async () => {
  server = await hostileServer();
});
afterAll(() => server?.close());

const fast = () => playwright({ leadMs: 50, gapMs: 50, stepTimeoutMs: 4_000, retries: 0, cursorMinMs: 100, cursorMaxMs: 200 });

/** Click, then wait for `shows` on the page (the page answered and did what it should). */
const poke = (id: string, text: string, shows: string): StepInput[] => [
  { id, action: 'click', target: { text }, narration: `${text}.` },
  { id: `${id}-alive`, action: 'wait', target: { text: shows }, value: '4000', narration: '' },
];

async function record(demo: DemoInput, extra = {}) {
  const logs: string[] = [];
  const failures: StepFailure[] = [];
  const { config, runDir } = await setupRun(demo, fast(), server.url, extra);
  const started = Date.now();
  const decide = (f: StepFailure) => {
    failures.push(f);
    return 'skip' as const;
  };
  await runPipeline(config, runDir, { until: 'record', decide, log: (e) => void logs.push(e.message) });
  const out = await recordOutput(runDir);
  return { runDir, out, logs, failures, ms: Date.now() - started };
}

describe('a page that fights the recorder (popups: close)', () => {
  let result: Awaited<ReturnType<typeof record>>;
  const demo: DemoInput = {
    url: '/chromium',
    title: 'chromium',
    steps: [
      { id: 'open', action: 'goto', value: '/chromium', narration: 'The lab.' },
      ...poke('ask', 'Ask', 'true true'), // alert answered, confirm accepted, prompt dismissed
      ...poke('loop', 'Dialog loop', 'Chromium lab'),
      ...poke('interval', 'Dialog interval', 'interval on'),
      ...poke('realm', 'Other realm', 'realm done'),
      ...poke('storm', 'Popup storm', 'storm sent'),
      ...poke('download', 'Download', 'Chromium lab'),
      ...poke('worker', 'Worker', 'sw blocked'),
      // The lab asks "leave site?" on unload: the prompt is accepted and the page goes.
      { id: 'leave', action: 'goto', value: '/', narration: 'Home.' },
      { id: 'home', action: 'wait', target: { text: 'home ready' }, value: '4000', narration: '' },
    ],
  };

  beforeAll(async () => {
    result = await record(demo);
  }, 120_000);

  it('performs every step: no dialog, popup, download or worker stalls or breaks it', () => {
    expect(result.failures.map((f) => `${f.step.id}: ${f.error.message}`)).toEqual([]);
    expect(result.out.steps.map((s) => [s.step.id, s.status]).filter(([, s]) => s !== 'done')).toEqual([]);
    expect(result.out.steps).toHaveLength(demo.steps.length);
  });

  it('answers loops of alert/confirm/prompt without a native dialog; only beforeunload is one', () => {
    // The download link and the goto both ask "leave site?": the only native dialogs.
    expect(result.logs.join('\n')).toMatch(/answered native dialogs: beforeunload ×2$/m);
  });

  it('refuses the 512 MB download: the browser hangs up early and writes nothing', () => {
    expect(server.downloaded()).toBeLessThan(DOWNLOAD_BYTES / 8);
    const big = filesUnder(result.runDir).filter((f) => f.endsWith('.bin'));
    expect(big).toEqual([]);
  });

  it('blocks the service worker: its script is never fetched', () => {
    expect(server.siteHits.filter((h) => h.startsWith('/sw.js'))).toEqual([]);
  });
});

describe('popups: follow', () => {
  it('follows a same-site popup in the recorded page, closes a foreign one, survives a storm of 100 window.open', async () => {
    const demo: DemoInput = {
      url: '/nav',
      title: 'follow',
      steps: [
        ...poke('own', 'Own tab', 'home ready'),
        { id: 'lab', action: 'goto', value: '/nav', narration: '' },
        ...poke('foreign', 'Foreign tab', 'Navigation lab'),
        { id: 'chromium', action: 'goto', value: '/chromium', narration: '' },
        ...poke('storm', 'Popup storm', 'Popup /popup?i='),
      ],
    };
    const { out, logs, failures } = await record(demo, { popups: 'follow', navigation: 'same-site' });
    expect(failures.map((f) => `${f.step.id}: ${f.error.message}`)).toEqual([]);
    expect(out.steps.every((s) => s.status === 'done')).toBe(true);
    expect(logs.some((l) => l.includes('and not followed'))).toBe(true);
    // own + foreign + the one real popup of the storm (window.open returns null after the first).
    expect(logs.join('\n')).toMatch(/closed 3 popups/);
  }, 120_000);
});
