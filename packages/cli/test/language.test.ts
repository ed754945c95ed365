// `--language <tag>` on plan, run and record, over the demo file's `language` and the config's, through
// the built bin with inline plugins (a voice that notes the language of each line it speaks).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, showrunner } from './bin.js';
import { DEMO, INLINE_PLUGINS } from './inline.js';

/** The inline plugins with a voice that appends each line's language (or "-") to heard.txt. */
const config = (extra = '') => `${INLINE_PLUGINS}
import { appendFile } from 'node:fs/promises';
const listening = definePlugin({ name: 'local:listening', stage: 'tts', fingerprint: 'l1',
  async run(input, ctx) { await appendFile(path.join(ctx.root, 'heard.txt'), (input.language ?? '-') + '\\n'); return tts.run(input, ctx); } });
export default defineConfig({ tts: listening, record, merge${extra} });
`;

const heard = async (dir: string) => (await readFile(path.join(dir, 'heard.txt'), 'utf8')).trim().split('\n');

describe('--language', () => {
  it('plans in the language asked for, over the config', async () => {
    const dir = await project({ 'showrunner.config.ts': config(", language: 'es'") });
    const script = 'go to /\nclick "登录" — 点击登录。';
    const zh = await showrunner(dir, 'plan', 'http://localhost:3000', script, '--language', 'zh', '-o', 'zh.demo.json');
    expect(zh.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, 'zh.demo.json'), 'utf8')).language).toBe('zh');
    const es = await showrunner(dir, 'plan', 'http://localhost:3000', script, '-o', 'es.demo.json');
    expect(es.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, 'es.demo.json'), 'utf8')).language).toBe('es');
  });

  it('records with the flag, else the demo file, else the config; and runs a request in it', async () => {
    const demo = JSON.stringify({ ...JSON.parse(DEMO), language: 'de' });
    const dir = await project({
      'showrunner.config.ts': config(", language: 'fr'"),
      'tour.demo.json': demo,
      'plain.demo.json': DEMO,
    });
    expect((await showrunner(dir, 'record', 'tour.demo.json', '--language', 'zh-Hans')).code).toBe(0);
    expect((await showrunner(dir, 'record', 'tour.demo.json')).code).toBe(0);
    expect((await showrunner(dir, 'record', 'plain.demo.json')).code).toBe(0);
    expect(await heard(dir)).toEqual(['zh-Hans', 'zh-Hans', 'de', 'de', 'fr', 'fr']);
    const file = JSON.parse(await readFile(path.join(dir, 'tour.demo.json'), 'utf8'));
    expect(file.language).toBe('de'); // the flag changes the run, not the demo file
    const run = await showrunner(dir, '--json', 'run', 'http://localhost:9/', '打开 /\n点击 "登录"', '--language', 'zh', '--yes');
    expect(run.code).toBe(0);
    const state = JSON.parse(await readFile(path.join(JSON.parse(run.stdout).runDir, 'run.json'), 'utf8'));
    expect(state.request.language).toBe('zh');
    expect((await heard(dir)).slice(6)).toEqual(['zh', 'zh']);
  });

  it('refuses a tag that is not BCP 47, naming the flag (exit 2)', async () => {
    const dir = await project({ 'showrunner.config.ts': config() });
    const bad = await showrunner(dir, 'plan', 'http://localhost:3000', 'go to /', '--language', 'Chinese!');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SR_USAGE  --language: "Chinese!" is not a BCP 47 language tag');
    expect(bad.stderr).toContain('field --language');
    const resumed = await showrunner(dir, 'record', '--resume', 'somewhere', '--language', 'zh');
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain('--language: a resumed run keeps the language it was started with');
  });
});
