// The demo that "validated fine" in the review of the engine: a path-shaped step id, a local file as
// start page and goto, a wait of 63 years. `showrunner validate` now names each problem and exits 2.
import { describe, expect, it } from 'vitest';
import { project, showrunner } from './bin.js';

const HOSTILE = JSON.stringify({
  url: 'file:///etc/passwd',
  steps: [
    { id: '../../x', action: 'scroll', narration: 'Up and out.' },
    { action: 'goto', value: 'file:///etc/shadow', narration: 'A local file.' },
    { action: 'wait', value: '2000000000000', narration: 'Wait.' },
  ],
});

describe('showrunner validate on a hostile demo', () => {
  it('names the start URL, the step id, the goto and the wait, with codes and limits (exit 2)', async () => {
    const dir = await project({ 'hostile.demo.json': HOSTILE });
    const { code, stderr } = await showrunner(dir, 'validate', 'hostile.demo.json');
    expect(code).toBe(2);
    expect(stderr).toContain('SR_URL_REFUSED');
    expect(stderr).toContain('url: only http: and https: URLs (or paths) may be opened');
    expect(stderr).toContain('steps[0].id: a step id uses letters, digits');
    expect(stderr).toContain('steps[1].value: only http: and https: URLs');
    expect(stderr).toContain('steps[2].value: 2000000000000 ms is over the limit waitMs = 120000 ms');
    expect(stderr).toContain('1 file failed validation.');
  });
});
