import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isShowrunnerError, ShowrunnerError, withContext } from '@showrunner/core';
import { describe, expect, it } from 'vitest';

describe('ShowrunnerError', () => {
  it('is recognised across module copies (a config loaded through tsx gets its own copy of core)', async () => {
    const entry = createRequire(import.meta.url).resolve('@showrunner/core');
    const errorsModule = new URL('errors.js', pathToFileURL(entry)).href;
    const copy = (await import(`${errorsModule}?copy`)) as typeof import('@showrunner/core');
    expect(copy.ShowrunnerError).not.toBe(ShowrunnerError);
    const err = new copy.ShowrunnerError('SR_STEP_ABORTED', 'aborted', { step: { index: 1, id: 'b' } });
    expect(err).toBeInstanceOf(ShowrunnerError);
    expect(isShowrunnerError(err)).toBe(true);
    expect(withContext(err, { stage: 'record', plugin: 'p' })).toBe(err); // kept, not wrapped
    expect(err).toMatchObject({ code: 'SR_STEP_ABORTED', stage: 'record', plugin: 'p', step: { index: 1, id: 'b' } });
    expect(new Error('plain')).not.toBeInstanceOf(ShowrunnerError);
  });

  it('wraps foreign errors once, naming plugin and stage, and serializes to plain data', () => {
    const wrapped = withContext(new Error('disk full'), { stage: 'merge', plugin: 'x' });
    expect(wrapped).toMatchObject({ code: 'SR_STAGE_FAILED', message: '[x] stage "merge" failed: disk full' });
    expect(JSON.parse(JSON.stringify(wrapped))).toMatchObject({ code: 'SR_STAGE_FAILED', stage: 'merge', plugin: 'x' });
    expect(wrapped.isUsage).toBe(false);
    expect(new ShowrunnerError('SR_DEMO_INVALID', 'bad').isUsage).toBe(true);
  });
});
