// The navigation policy while recording: every navigation the page makes by itself (links,
// scripts, form posts, meta refresh, server redirects, about:blank, a late timer) is refused when
// it leaves the start page's site, fails its step with SR_URL_REFUSED saying where it tried to go,
// is cut from the recording, and the page is back on the site before `decide` is asked.
import path from 'node:path';
import { type DemoInput, runPipeline, type StepFailure, type StepInput } from '@showrunner/core';
import playwright from '@showrunner/plugin-playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOutput, regionOfFrames, setupRun } from './helpers.js';
import { type HostileServer, hostileServer } from './hostile-server.js';

let server: HostileServer;
beforeAll(async () => {
  server = await hostileServer();
});
afterAll(() => server?.close());

const fast = () => playwright({ leadMs: 50, gapMs: 50, stepTimeoutMs: 3_000, retries: 0, cursorMinMs: 100, cursorMaxMs: 200 });

/** Click something on the lab page, then check the page is still (or again) the lab. */
const hop = (id: string, text: string, narration = `${text}.`): StepInput[] => [
  { id, action: 'click', target: { text }, narration },
  { id: `${id}-back`, action: 'wait', target: { role: 'heading', name: 'Navigation lab' }, value: '3000', narration: '' },
];

const LATE =
  'Now a timer moves the page to another site while this long sentence is still being spoken, a moment after the click, ' +
  'so the step has already done its action and is only holding the page on screen for the narration when it happens.';

const hostile: DemoInput = {
  url: '/nav',
  title: 'leaving',
  steps: [
    { id: 'open', action: 'goto', value: '/nav', narration: 'The lab.' },
    ...hop('link', 'Foreign link'),
    ...hop('script', 'Script jump'),
    ...hop('form', 'Post form'),
    // The last allowed page is /meta itself: its refresh is aborted, so the page stays there.
    { id: 'meta', action: 'click', target: { text: 'Meta refresh' }, narration: 'Meta refresh.' },
    { id: 'meta-back', action: 'wait', target: { role: 'heading', name: 'Meta' }, value: '3000', narration: '' },
    { id: 'lab', action: 'goto', value: '/nav', narration: '' },
    ...hop('redirect', 'Redirect'),
    ...hop('blank', 'Blank'),
    ...hop('schemes', 'Schemes'),
    ...hop('late', 'Late jump', LATE),
    ...hop('tab', 'Foreign tab'),
    { id: 'goto-redirect', action: 'goto', value: '/redirect', narration: 'Follow a redirect.' },
    { id: 'goto-redirect-back', action: 'wait', target: { text: 'Navigation lab' }, value: '3000', narration: '' },
  ],
};

/** The navigations that must be refused, and where each tried to go. */
const REFUSED: Record<string, string> = {
  link: 'link?token=…',
  script: 'script',
  form: 'form',
  meta: 'meta',
  redirect: 'redirect',
  blank: 'about:…',
  late: 'late',
  'goto-redirect': 'redirect',
};

describe('a page that leaves its site (navigation: same-site)', () => {
  const failures: StepFailure[] = [];
  let runDir: string;
  let error: unknown;

  beforeAll(async () => {
    const setup = await setupRun(hostile, fast(), server.url, { navigation: 'same-site' });
    runDir = setup.runDir;
    const decide = (f: StepFailure) => {
      failures.push(f);
      return 'skip' as const;
    };
    error = await runPipeline(setup.config, runDir, { until: 'record', decide }).then(
      () => undefined,
      (e: unknown) => e,
    );
  }, 120_000);

  it('fails each leaving step with SR_URL_REFUSED saying where it tried to go, and nothing else', () => {
    expect(error).toBeUndefined();
    expect(failures.map((f) => f.step.id)).toEqual(Object.keys(REFUSED));
    for (const f of failures) {
      expect(f.error.code, f.step.id).toBe('SR_URL_REFUSED');
      expect(f.error.step).toEqual({ index: f.index, id: f.step.id });
      const where = REFUSED[f.step.id]!;
      const expected = where.startsWith('about:') ? where : `${server.foreign}${where}`;
      expect(f.error.message, f.step.id).toContain(expected);
      expect(f.error.message).not.toContain('t0p'); // query values are redacted
    }
  });

  it('brings the page back to the last allowed page before decide is asked', () => {
    for (const f of failures) expect(f.pageUrl, f.step.id).toBe(`${server.url}${f.step.id === 'meta' ? 'meta' : 'nav'}`);
  });

  it('keeps recording on the site: every check after a refused step passes', async () => {
    const out = await recordOutput(runDir);
    const status = Object.fromEntries(out.steps.map((s) => [s.step.id, s.status]));
    for (const id of Object.keys(REFUSED)) expect(status[id], id).toBe('skipped');
    for (const s of out.steps.filter((s) => s.step.id.endsWith('-back'))) expect(s.status, s.step.id).toBe('done');
    expect(status.schemes).toBe('done'); // file:, data:, view-source:, chrome:, javascript: went nowhere
    expect(status.tab).toBe('done'); // the popup was closed, the page stayed
  });

  it('never shows the other site in a frame (the refused attempts are cut)', async () => {
    const out = await recordOutput(runDir);
    const files = out.recording.frames.map((f) => path.join(runDir, f.path));
    const crops = regionOfFrames(files, { x: 600, y: 500, width: 40, height: 40 });
    const red = crops.filter((rgb) => {
      let r = 0;
      let gb = 0;
      for (let i = 0; i < rgb.length; i += 3) {
        r += rgb[i]!;
        gb += rgb[i + 1]! + rgb[i + 2]!;
      }
      return r > 200 * (rgb.length / 3) && gb < 80 * (rgb.length / 3);
    });
    expect(files.length).toBeGreaterThan(20);
    expect(red).toHaveLength(0);
  });

  it('aborts refused first hops before their request is sent (the form posts nothing)', () => {
    for (const p of ['/link', '/script', '/form', '/meta', '/late']) {
      expect(
        server.foreignHits.filter((h) => h.startsWith(p)),
        p,
      ).toEqual([]);
    }
  });
});

describe('trusted default (navigation: allow)', () => {
  it('lets the page go to another site, as before', async () => {
    const demo: DemoInput = {
      url: '/nav',
      title: 'allowed',
      steps: [
        { id: 'go', action: 'click', target: { text: 'Foreign link' }, narration: 'Off we go.' },
        { id: 'there', action: 'wait', target: { text: 'Foreign' }, value: '3000', narration: '' },
      ],
    };
    const { config, runDir } = await setupRun(demo, fast(), server.url);
    await runPipeline(config, runDir, { until: 'record', decide: () => 'abort' });
    expect((await recordOutput(runDir)).steps.map((s) => s.status)).toEqual(['done', 'done']);
  });
});
