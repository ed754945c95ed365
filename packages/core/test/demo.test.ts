import { readFile } from 'node:fs/promises';
import { demoJsonSchema, parseDemo, type ShowrunnerError } from '@showrunner/core';
import { describe, expect, it } from 'vitest';

function demoError(data: unknown): ShowrunnerError {
  try {
    parseDemo(data, 'demos/signup.json');
  } catch (e) {
    return e as ShowrunnerError;
  }
  throw new Error('expected an error');
}

describe('demo schema', () => {
  it('assigns ids by position and keeps given ones', () => {
    const demo = parseDemo({ url: '/', steps: [{ action: 'scroll' }, { id: 'pick', action: 'wait', value: '100' }] });
    expect(demo.steps.map((s) => s.id)).toEqual(['s1', 'pick']);
  });

  it('names the file, step index and field of a missing required field', () => {
    const err = demoError({
      url: '/',
      steps: [
        { action: 'goto', value: '/' },
        { id: 'x', action: 'fill', target: { label: 'Email' } },
      ],
    });
    expect(err).toMatchObject({
      code: 'SR_DEMO_INVALID',
      file: 'demos/signup.json',
      field: 'steps[1].value',
      step: { index: 1, id: 'x' },
    });
    expect(err.message).toContain('steps[1].value: a "fill" step needs a value');
  });

  it('rejects an unknown action, listing the valid ones', () => {
    const err = demoError({ url: '/', steps: [{ action: 'teleport' }] });
    expect(err.field).toBe('steps[0].action');
    expect(err.message).toMatch(/goto.*click.*fill/);
  });

  it('rejects an empty target, unknown fields and duplicate ids', () => {
    expect(demoError({ url: '/', steps: [{ action: 'click', target: {} }] }).field).toBe('steps[0].target');
    expect(demoError({ url: '/', steps: [{ action: 'scroll', colour: 'red' }] }).message).toContain('colour');
    const dup = demoError({
      url: '/',
      steps: [
        { id: 'a', action: 'scroll' },
        { id: 'a', action: 'scroll' },
      ],
    });
    expect(dup.message).toContain('duplicate step id "a"');
  });

  it('allows env secrets only in fill steps', () => {
    expect(() =>
      parseDemo({ url: '/', steps: [{ action: 'fill', target: { label: 'P' }, value: { env: 'PW' } }] }),
    ).not.toThrow();
    expect(demoError({ url: '/', steps: [{ action: 'goto', value: { env: 'URL' } }] }).field).toBe('steps[0].value');
  });

  it('matches the committed JSON Schema (run `npm run schema` after changing the zod schemas)', async () => {
    const committed = JSON.parse(await readFile(new URL('../schema/demo.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(demoJsonSchema());
    expect(committed.properties.steps.items.properties.action.enum).toContain('hover');
    expect(committed.properties.steps.items.required).toEqual(['action']);
  });
});
