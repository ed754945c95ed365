import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { isShowrunnerError, LIMITS } from '@showrunner/core';
import { describe, expect, it } from 'vitest';
import { loadDemo } from '../dist/load/demo-file.js';
import { project, showrunner } from './bin.js';

const exec = promisify(execFile);

/** A code demo that leaves a file behind if it is ever executed. */
const CODE_DEMO = (marker: string) => `
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./${marker}', import.meta.url), 'ran');
export default { url: 'https://example.com', steps: [{ action: 'goto', value: '/' }] };
`;
const DEMO = { url: 'https://example.com', steps: [{ action: 'goto', value: '/', narration: 'Home.' }] };

/** The error `loadDemo` rejects with (fails the test if it resolves). */
async function refusal(file: string, trust?: 'trusted' | 'untrusted') {
  const err = await loadDemo(file, { trust }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isShowrunnerError(err), `${file} was loaded`).toBe(true);
  return err as { code: string; message: string; file?: string; field?: string };
}

describe('code demo files when the config is untrusted', () => {
  const names = ['a.demo.ts', 'b.demo.mts', 'c.demo.js', 'd.demo.mjs', 'e.demo.TS', 'f.demo.Mjs'];

  it(`refuses all ${names.length} kinds with SR_FILE_REFUSED before running any code`, async () => {
    const dir = await project(Object.fromEntries(names.map((n, i) => [n, CODE_DEMO(`ran-${i}`)])));
    for (const name of names) {
      const file = path.join(dir, name);
      const err = await refusal(file, 'untrusted');
      expect(err).toMatchObject({ code: 'SR_FILE_REFUSED', file });
      expect(err.message).toContain(file);
    }
    expect(names.filter((_, i) => existsSync(path.join(dir, `ran-${i}`)))).toEqual([]);
    // The same file runs for a trusted config, so the marker would have shown an execution.
    expect((await loadDemo(path.join(dir, 'a.demo.ts'), { trust: 'trusted' })).steps).toHaveLength(1);
    expect(existsSync(path.join(dir, 'ran-0'))).toBe(true);
  });

  it('validate and record report the refusal for an untrusted config (exit 2) and run nothing', async () => {
    const dir = await project({
      'showrunner.config.ts':
        "import { defineConfig } from '@showrunner/core';\nexport default defineConfig({ trust: 'untrusted' });\n",
      'demos/a.demo.ts': CODE_DEMO('ran-a'),
      'demos/b.demo.js': CODE_DEMO('ran-b'),
      'demos/ok.demo.json': JSON.stringify(DEMO),
    });
    const validate = await showrunner(dir, 'validate');
    expect(validate.code).toBe(2);
    expect(validate.stdout).toMatch(/✓ demos\/ok\.demo\.json\s+1 steps/);
    expect(validate.stderr.match(/SR_FILE_REFUSED/g)?.length).toBeGreaterThanOrEqual(2);
    expect(validate.stderr).toContain(path.join(dir, 'demos', 'a.demo.ts'));
    expect(validate.stderr).toContain(path.join(dir, 'demos', 'b.demo.js'));
    const record = await showrunner(dir, 'record', 'demos/a.demo.ts');
    expect(record.code).toBe(2);
    expect(record.stderr).toContain('SR_FILE_REFUSED');
    expect(existsSync(path.join(dir, 'demos', 'ran-a')) || existsSync(path.join(dir, 'demos', 'ran-b'))).toBe(false);
  });
});

describe('data demo files under hostile sizes and shapes', () => {
  it('refuses JSON and YAML over LIMITS.demoFileBytes before parsing, and reads one at the limit', async () => {
    const json = JSON.stringify(DEMO);
    const yaml = 'url: https://example.com\nsteps:\n  - action: goto\n    value: /\n';
    const pad = (text: string, bytes: number, fill: string) => text + fill.repeat(bytes - Buffer.byteLength(text));
    const dir = await project({
      'at.demo.json': pad(json, LIMITS.demoFileBytes, ' '),
      'over.demo.json': pad(json, LIMITS.demoFileBytes + 1, ' '),
      'over-broken.demo.json': pad('{ "not json', LIMITS.demoFileBytes + 1, '['),
      'over.demo.yaml': pad(`${yaml}#`, LIMITS.demoFileBytes + 1, 'x'),
      'over-multibyte.demo.yaml': `${yaml}# ${'é'.repeat(LIMITS.demoFileBytes / 2)}`,
    });
    expect((await loadDemo(path.join(dir, 'at.demo.json'))).steps).toHaveLength(1);
    for (const name of ['over.demo.json', 'over-broken.demo.json', 'over.demo.yaml', 'over-multibyte.demo.yaml']) {
      const file = path.join(dir, name);
      const err = await refusal(file);
      expect(err, name).toMatchObject({ code: 'SR_LIMIT_EXCEEDED', field: 'demoFileBytes', file });
      expect(err.message).toContain(`demoFileBytes = ${LIMITS.demoFileBytes}`);
    }
  });

  it('stops YAML bombs, deep nesting, slow shapes, FIFOs and devices with a coded error, in bounded time', async () => {
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
      laughs.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(',')}]`,
      );
    }
    // Each YAML shape below is under the size limit and took 10 s to minutes (or ran out of memory)
    // when parsed on the main thread.
    const dir = await project({
      'laughs.demo.yaml': `${laughs.join('\n')}\nurl: https://example.com\nsteps: *i\n`,
      'deep.demo.json': `${'['.repeat(400_000)}${']'.repeat(400_000)}`,
      'deep.demo.yaml': `${'['.repeat(400_000)}${']'.repeat(400_000)}`,
      'compact.demo.yaml': `a: ${'- a: '.repeat(190_000)}`,
      'keys.demo.yaml': Array.from({ length: 85_000 }, (_, i) => `k${i}: v`).join('\n'),
      'questions.demo.yaml': `${'? '.repeat(490_000)}x`,
    });
    for (const name of ['compact', 'keys', 'questions']) {
      expect((await stat(path.join(dir, `${name}.demo.yaml`))).size).toBeLessThan(LIMITS.demoFileBytes);
    }
    await exec('mkfifo', [path.join(dir, 'fifo.demo.json')]);
    await symlink('/dev/zero', path.join(dir, 'zero.demo.yaml'));
    const names = ['laughs', 'deep', 'compact', 'keys', 'questions', 'zero'].map((n) => `${n}.demo.yaml`);
    names.push('deep.demo.json', 'fifo.demo.json');
    let ticks = 0;
    const clock = setInterval(() => ticks++, 50);
    const started = Date.now();
    try {
      await Promise.all(
        names.map(async (name) => {
          const err = await refusal(path.join(dir, name));
          expect(err.code, name).toMatch(/^SR_(FILE_UNREADABLE|DEMO_INVALID)$/);
          expect(Date.now() - started, name).toBeLessThan(12_000); // the parse deadline is 10 s
        }),
      );
    } finally {
      clearInterval(clock);
    }
    // The parser runs off the main thread: the event loop kept ticking meanwhile.
    expect(ticks).toBeGreaterThan((Date.now() - started) / 50 / 4);
    expect((await refusal(path.join(dir, 'laughs.demo.yaml'))).message).toMatch(/alias/i);
    expect((await refusal(path.join(dir, 'fifo.demo.json'))).message).toContain('not a regular file');
  }, 120_000);
});
