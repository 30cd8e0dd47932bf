import { describe, expect, it } from 'vitest';
import { cloneJson, isRecord } from '../../../src/domain/json.js';

describe('isRecord: an object we can read fields of', () => {
  it.each([{}, { a: 1 }, Object.create(null), new Date(0)])('%s is one', (v) => expect(isRecord(v)).toBe(true));
  it.each([null, undefined, [], [1], 'text', '', 0, 1, true, false, () => 1])('%s is not', (v) => expect(isRecord(v)).toBe(false));
});

describe('cloneJson: a copy as JSON carries it', () => {
  it('holds what went over the wire and shares nothing with the original', () => {
    const original = { a: { b: [1, { c: 'x' }] }, gone: undefined, at: new Date('2026-12-01T00:00:00.000Z') };
    const copy = cloneJson(original);
    expect(copy).toEqual({ a: { b: [1, { c: 'x' }] }, at: '2026-12-01T00:00:00.000Z' });
    expect(Object.keys(copy)).not.toContain('gone');
    (copy.a.b[1] as { c: string }).c = 'changed';
    expect(original.a.b[1]).toEqual({ c: 'x' });
  });

  it('gives undefined for undefined (JSON has no text for it)', () => {
    expect(cloneJson(undefined)).toBeUndefined();
    expect(cloneJson(null)).toBeNull();
  });
});
