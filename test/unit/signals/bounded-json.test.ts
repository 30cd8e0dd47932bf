import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBoundedJson } from '../../../src/signals/bounded-json.js';
import { EVENTBRIDGE_EVENT, formatBytes, LAMBDA_INVOCATION, MAX_JSON_DEPTH, measureJson, SNS_MESSAGE, SQS_MESSAGE } from '../../../src/signals/limits.js';
import { rejection } from './reject.js';

describe('parseBoundedJson', () => {
  it('parses JSON within the limits, tolerating a byte-order mark', () => {
    expect(parseBoundedJson('{"a":[1,{"b":"c"}]}')).toEqual({ a: [1, { b: 'c' }] });
    expect(parseBoundedJson('\ufeff{"a":1}')).toEqual({ a: 1 });
  });

  it("counts the carrier's limit in UTF-8 bytes, not characters, and names the limit", () => {
    const max = EVENTBRIDGE_EVENT.maxBytes;
    const atLimit = `"${'x'.repeat(max - 2)}"`;
    expect(parseBoundedJson(atLimit, 'detail', EVENTBRIDGE_EVENT)).toHaveLength(max - 2);
    expect(rejection(() => parseBoundedJson(`${atLimit} `, 'detail', EVENTBRIDGE_EVENT)).reason).toBe(
      'detail is 262,145 bytes, more than an EventBridge event holds (256 KiB)',
    );
    // 100 000 characters, 300 000 bytes.
    const multibyte = `"${'€'.repeat(100_000)}"`;
    expect(multibyte.length).toBeLessThan(max);
    expect(rejection(() => parseBoundedJson(multibyte, 'detail', EVENTBRIDGE_EVENT)).reason).toBe(
      'detail is 300,002 bytes, more than an EventBridge event holds (256 KiB)',
    );
  });

  it('holds each transport to its own limit, the largest (a Lambda invocation) by default', () => {
    const of = (bytes: number) => `"${'x'.repeat(bytes - 2)}"`;
    expect(() => parseBoundedJson(of(SQS_MESSAGE.maxBytes), 'body', SQS_MESSAGE)).not.toThrow();
    expect(rejection(() => parseBoundedJson(of(SQS_MESSAGE.maxBytes + 1), 'SQS record "m3" body', SQS_MESSAGE)).reason).toBe(
      'SQS record "m3" body is 1,048,577 bytes, more than an SQS message holds (1 MiB)',
    );
    expect(rejection(() => parseBoundedJson(of(SNS_MESSAGE.maxBytes + 1), 'SNS message', SNS_MESSAGE)).reason).toMatch(/more than an SNS message holds \(256 KiB\)$/);
    expect(() => parseBoundedJson(of(LAMBDA_INVOCATION.maxBytes))).not.toThrow();
    expect(rejection(() => parseBoundedJson(of(LAMBDA_INVOCATION.maxBytes + 1))).reason).toBe(
      'input is 6,291,457 bytes, more than a synchronous Lambda invocation holds (6 MiB)',
    );
  });

  it('measures a parsed value as its JSON text, bounded in size and depth without recursion', () => {
    const value = { a: [1, 'x', null, true, { b: '€<' }], c: 'd' };
    expect(measureJson(value, 'v', SQS_MESSAGE)).toBe(Buffer.byteLength(JSON.stringify(value)));
    expect(rejection(() => measureJson({ pad: 'x'.repeat(EVENTBRIDGE_EVENT.maxBytes) }, 'EventBridge event detail', EVENTBRIDGE_EVENT)).reason).toBe(
      'EventBridge event detail is more than an EventBridge event holds (256 KiB)',
    );
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(rejection(() => measureJson(deep, 'input', LAMBDA_INVOCATION)).reason).toBe('input nests deeper than 64 levels');
  });

  it('measures any JSON value as the UTF-8 length of its JSON text, skipping what JSON.stringify skips', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => measureJson(value, 'v', LAMBDA_INVOCATION) === Buffer.byteLength(JSON.stringify(value))),
      { seed: 19, numRuns: 500 },
    );
    const skipped = { a: undefined, f: () => 1, list: [undefined, () => 1, 'é'], n: -0, e: 1e21, o: {} };
    expect(measureJson(skipped, 'v', LAMBDA_INVOCATION)).toBe(Buffer.byteLength(JSON.stringify(skipped)));
  });

  it('measures up to the limit exactly: a value of exactly the limit passes, one byte more is rejected', () => {
    const of = (bytes: number) => ({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });
    expect(measureJson(of(SQS_MESSAGE.maxBytes), 'v', SQS_MESSAGE)).toBe(SQS_MESSAGE.maxBytes);
    expect(rejection(() => measureJson(of(SQS_MESSAGE.maxBytes + 1), 'v', SQS_MESSAGE)).reason).toBe('v is more than an SQS message holds (1 MiB)');
    const arrays = (n: number): unknown => (n === 0 ? 1 : [arrays(n - 1)]);
    const objects = (n: number): unknown => (n === 0 ? 1 : { a: objects(n - 1) });
    for (const nested of [arrays, objects]) {
      expect(measureJson(nested(MAX_JSON_DEPTH), 'v', LAMBDA_INVOCATION)).toBe(JSON.stringify(nested(MAX_JSON_DEPTH)).length);
      expect(rejection(() => measureJson(nested(MAX_JSON_DEPTH + 1), 'v', LAMBDA_INVOCATION)).reason).toBe('v nests deeper than 64 levels');
    }
  });

  it('names a limit in the largest whole unit, and in bytes when none divides it', () => {
    expect([0, 1023, 1024, 1536, 256 * 1024, 1024 * 1024, 1025 * 1024, 6 * 1024 * 1024].map(formatBytes)).toEqual([
      '0 bytes',
      '1,023 bytes',
      '1 KiB',
      '1,536 bytes',
      '256 KiB',
      '1 MiB',
      '1025 KiB',
      '6 MiB',
    ]);
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

  it('counts objects toward the nesting limit as it counts arrays', () => {
    const objects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    expect(() => parseBoundedJson(objects(MAX_JSON_DEPTH))).not.toThrow();
    expect(rejection(() => parseBoundedJson(objects(MAX_JSON_DEPTH + 1))).reason).toBe('input nests deeper than 64 levels');
  });

  it('ends a level at each closing bracket: a wide, shallow document is within the limit', () => {
    const wide = (item: string) => `[${Array.from({ length: 200 }, () => item).join(',')}]`;
    expect(parseBoundedJson(wide('{}'))).toHaveLength(200);
    expect(parseBoundedJson(wide('[]'))).toHaveLength(200);
    expect(parseBoundedJson(wide('{"s":"}]"}'))).toHaveLength(200);
  });

  it('says where the syntax error is when the engine does, and nothing more when it does not', () => {
    expect(rejection(() => parseBoundedJson('{"name": "etl", }')).reason).toBe('input is not JSON (syntax error at position 16)');
    expect(rejection(() => parseBoundedJson('tru', 'SQS record "m1" body')).reason).toBe('SQS record "m1" body is not JSON');
  });

  it('says the text is not JSON without echoing it', () => {
    const err = rejection(() => parseBoundedJson('token=hunter2-secret', 'SQS record "m1" body'));
    expect(err.reason).toMatch(/^SQS record "m1" body is not JSON/);
    expect(err.reason).not.toContain('hunter2');
    expect(rejection(() => parseBoundedJson('   \n')).reason).toBe('input is empty, expected a JSON object');
  });

  it('is a permanent, one-line rejection', () => {
    const err = rejection(() => parseBoundedJson('{'));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('SignalRejected');
    expect(err.permanent).toBe(true);
    expect(err.message).not.toContain('\n');
  });
});
