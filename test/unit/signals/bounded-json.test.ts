import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, MAX_PAYLOAD_BYTES, parseBoundedJson } from '../../../src/signals/bounded-json.js';
import { rejection } from './reject.js';

describe('parseBoundedJson', () => {
  it('parses JSON within the limits, tolerating a byte-order mark', () => {
    expect(parseBoundedJson('{"a":[1,{"b":"c"}]}')).toEqual({ a: [1, { b: 'c' }] });
    expect(parseBoundedJson('\ufeff{"a":1}')).toEqual({ a: 1 });
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    const atLimit = `"${'x'.repeat(MAX_PAYLOAD_BYTES - 2)}"`;
    expect(parseBoundedJson(atLimit)).toHaveLength(MAX_PAYLOAD_BYTES - 2);
    expect(rejection(() => parseBoundedJson(`${atLimit} `)).reason).toBe('input is larger than 256 KiB');
    // 100 000 characters, 300 000 bytes.
    const multibyte = `"${'€'.repeat(100_000)}"`;
    expect(multibyte.length).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(rejection(() => parseBoundedJson(multibyte)).reason).toBe('input is larger than 256 KiB');
  });

  it('rejects nesting past the limit before parsing, and only counts brackets outside strings', () => {
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(() => parseBoundedJson(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(rejection(() => parseBoundedJson(nested(MAX_JSON_DEPTH + 1))).reason).toBe('input nests deeper than 64 levels');
    // Unbalanced brackets inside strings, with escaped quotes, are text.
    const inString = JSON.stringify({ s: `\\"${'['.repeat(500)}"{{{` });
    expect(parseBoundedJson(inString)).toEqual({ s: `\\"${'['.repeat(500)}"{{{` });
    // A million-deep array is refused without a recursion.
    expect(rejection(() => parseBoundedJson('['.repeat(200_000))).reason).toBe('input nests deeper than 64 levels');
  });

  it('says the text is not JSON without echoing it', () => {
    const err = rejection(() => parseBoundedJson('token=hunter2-secret', 'SQS record "m1" body'));
    expect(err.reason).toMatch(/^SQS record "m1" body is not JSON/);
    expect(err.reason).not.toContain('hunter2');
    expect(rejection(() => parseBoundedJson('   \n')).reason).toBe('input is empty, expected a JSON object');
  });

  it('takes custom limits', () => {
    expect(rejection(() => parseBoundedJson('{"a":"bcdef"}', 'body', { maxBytes: 8 })).reason).toBe('body is larger than 8 bytes');
    expect(rejection(() => parseBoundedJson('{"a":{"b":{}}}', 'body', { maxDepth: 2 })).reason).toBe('body nests deeper than 2 levels');
  });

  it('is a permanent, one-line rejection', () => {
    const err = rejection(() => parseBoundedJson('{'));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('SignalRejected');
    expect(err.permanent).toBe(true);
    expect(err.message).not.toContain('\n');
  });
});
