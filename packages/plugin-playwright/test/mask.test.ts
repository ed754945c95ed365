// Masking on the page's data before the ARIA snapshot is serialised: values with quotes,
// backslashes, ": ", newlines and of one or two characters never reach the snapshot, the failure
// evidence, the run folder or an error message; link and page URLs lose their query values; the
// page is restored exactly afterwards.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type DemoInput, runPipeline, type StepFailure } from '@showrunner/core';
import playwright, { launchBrowser, SENSITIVE_ATTR } from '@showrunner/plugin-playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskedSnapshot } from '../src/mask.js';
import { MASK, Secrets } from '../src/secrets.js';
import { edgeEnergy, exampleServer, filesUnder, pixels, setupRun } from './helpers.js';

/** Values a string match on escaped YAML would miss. */
const AWKWARD: Record<string, string> = {
  Quote: 'pa"ss"word',
  Backslash: 'C:\\temp\\key',
  Colon: 'user: admin',
  Newline: 'first line\nsecond line',
  Dash: '- [x]',
  One: 'x',
  Two: '7Q',
};

const fields = Object.entries(AWKWARD)
  .map(([label, value]) => {
    const attr = `value="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;
    return label === 'Newline'
      ? `<label>${label} <textarea ${SENSITIVE_ATTR}>${value}</textarea></label>`
      : `<label>${label} <input type="password" ${attr}></label>`;
  })
  .join('\n');

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Account</title></head><body>
<h1>Account</h1>
<label>Name <input value="Ada Lovelace"></label>
${fields}
<label>Known <input id="known" value="typed-secret-42"></label>
<p id="code" ${SENSITIVE_ATTR}>Recovery code 9911-ALPHA</p>
<div id="host"></div>
<a id="reset" href="/reset?token=abc123&user=ada#frag">Reset</a>
<script>
  const root = document.querySelector('#host').attachShadow({ mode: 'open' });
  root.innerHTML = '<label>Shadow <input type="password" value="shadow-pw-77"></label>';
</script></body></html>`;

/** A page whose script puts back what the mask hides, as soon as it is hidden. */
const TAMPER = `<!doctype html><html><body><p id="code" ${SENSITIVE_ATTR}>Recovery code 9911-ALPHA</p><script>
  new MutationObserver(() => document.querySelector('#code').removeAttribute('aria-hidden'))
    .observe(document.body, { attributes: true, subtree: true });
</script></body></html>`;

let server: Server;
let base: string;
let browser: Browser;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(req.url === '/tamper' ? TAMPER : PAGE);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server.close(done));
});

/** Everything about the page the mask touches, to compare before and after. */
const state = (page: Page) =>
  page.evaluate(() => {
    const all = Array.from(document.querySelectorAll('input, textarea, p, a'));
    const shadow = document.querySelector('#host')!.shadowRoot!.querySelector('input')!;
    const focused = document.activeElement as HTMLInputElement;
    return {
      values: [...all.map((el) => (el as HTMLInputElement).value ?? null), shadow.value],
      attrs: all.map((el) => Array.from(el.attributes, (a) => `${a.name}=${a.value}`).join(' ')),
      focus: focused?.id ?? null,
      caret: [focused?.selectionStart ?? null, focused?.selectionEnd ?? null],
    };
  });

describe('maskedSnapshot', () => {
  it('masks every awkward value on the page before serialising, keeps the rest, restores the page exactly', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/account`);
      await page.locator('#known').focus();
      await page.locator('#known').evaluate((el: HTMLInputElement) => el.setSelectionRange(2, 5));
      const before = await state(page);
      const secrets = new Secrets();
      secrets.add('typed-secret-42'); // typed by an earlier step into an unmarked field
      const yaml = await maskedSnapshot(page, secrets);

      expect(yaml).toContain('heading "Account"');
      expect(yaml).toContain('Ada Lovelace');
      for (const [label, value] of Object.entries(AWKWARD)) {
        // The field is still there, by its name, with the mask as its value.
        const line = yaml.split('\n').find((l) => l.includes(`textbox "${label}"`));
        expect(line, label).toBeDefined();
        expect(line, label).toContain(MASK);
        if (value.length > 2) {
          expect(yaml, label).not.toContain(value);
          expect(yaml, label).not.toContain(JSON.stringify(value).slice(1, -1));
        } else expect(line, label).not.toMatch(new RegExp(`: ${value}$`));
      }
      for (const gone of ['typed-secret-42', 'shadow-pw-77', '9911-ALPHA', 'abc123', 'frag', 'second line']) {
        expect(yaml).not.toContain(gone);
      }
      expect(yaml).toMatch(/\/url: \/reset\?token=…&user=…$/m);

      expect(await state(page)).toEqual(before);
    } finally {
      await page.close();
    }
  });

  it('withholds the snapshot when the page undoes the mask while it is taken', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/tamper`);
      const yaml = await maskedSnapshot(page, new Secrets());
      expect(yaml).not.toContain('9911-ALPHA');
      expect(yaml).toMatch(/^# The page changed masked fields/);
    } finally {
      await page.close();
    }
  });
});

describe('failure evidence of a recording', () => {
  const EMAIL = 'a"b\\c: d@example.com';
  const PASSWORD = 'p: "q"\\r';
  let app: Awaited<ReturnType<typeof exampleServer>>;
  const failures: StepFailure[] = [];
  const logs: string[] = [];
  let runDir: string;

  beforeAll(async () => {
    app = await exampleServer();
    const demo: DemoInput = {
      url: '/?token=tok_live_123',
      title: 'evidence',
      steps: [
        // Secrets typed into a plain email field (no `sensitive` flag) and a password field.
        { id: 'email', action: 'fill', target: { label: 'Email' }, value: { env: 'EMAIL' }, narration: 'Email.' },
        { id: 'password', action: 'fill', target: { label: 'Password' }, value: { env: 'PASSWORD' }, narration: 'Password.' },
        { id: 'ghost', action: 'click', target: { text: 'Launch rockets' }, narration: 'Fails.' },
      ],
    };
    const vault = { EMAIL, PASSWORD } as Record<string, string>;
    const plugin = playwright({ leadMs: 50, gapMs: 50, typingDelayMs: 10, stepTimeoutMs: 600, retries: 0 });
    const setup = await setupRun(demo, plugin, app.url, { secrets: (name) => vault[name] });
    runDir = setup.runDir;
    const decide = (f: StepFailure) => {
      failures.push(f);
      return 'skip' as const;
    };
    await runPipeline(setup.config, runDir, { until: 'record', decide, log: (e) => void logs.push(e.message) });
  }, 60_000);
  afterAll(() => app?.close());

  it('never carries a typed secret: snapshot, evidence JSON, run folder, logs, error messages', () => {
    expect(failures.map((f) => f.step.id)).toEqual(['ghost']);
    const f = failures[0]!;
    const evidence = JSON.stringify({ ...f, error: f.error.toJSON() });
    for (const secret of [EMAIL, PASSWORD, JSON.stringify(EMAIL).slice(1, -1), JSON.stringify(PASSWORD).slice(1, -1)]) {
      expect(evidence).not.toContain(secret);
      expect(f.error.message).not.toContain(secret);
      expect(logs.join('\n')).not.toContain(secret);
      for (const file of filesUnder(runDir)) expect(readFileSync(file).includes(Buffer.from(secret)), file).toBe(false);
    }
    expect(f.snapshot).toMatch(new RegExp(`textbox "Email":[\\s\\S]*${MASK}`));
    expect(f.pageUrl).toBe(`${app.url}?token=…`);
    expect(evidence).not.toContain('tok_live_123');
  });

  it('covers both fields in the failure screenshot (the unmarked email field was marked sensitive)', async () => {
    const shot = path.join(runDir, failures[0]!.screenshot!);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(app.url);
      for (const label of ['Email', 'Password']) {
        const b = (await page.getByLabel(label).boundingBox())!;
        const box = {
          x: Math.round(b.x + 4),
          y: Math.round(b.y + 4),
          width: Math.round(b.width - 8),
          height: Math.round(b.height - 8),
        };
        expect(edgeEnergy(pixels(shot, box), box.width, box.height), label).toBeLessThan(1);
      }
    } finally {
      await page.close();
    }
  });
});
