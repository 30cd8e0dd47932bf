import { describe, expect, it } from 'vitest';
import { quote, rejectedWithin, SignalRejected } from '../../../src/signals/rejected.js';
import { rejection } from './reject.js';

describe('SignalRejected', () => {
  it('is one line, permanent, and can be located inside a wrapper', () => {
    const err = new SignalRejected('first\n  second\r\nthird');
    expect(err.message).toBe('first; second; third');
    expect(err.reason).toBe(err.message);
    expect(err.permanent).toBe(true);
    const located = rejection(() => rejectedWithin('SQS record "m1" body', () => rejectedWithin('EventBridge detail', () => { throw err; })));
    expect(located.reason).toBe('SQS record "m1" body: EventBridge detail: first; second; third');
    // Anything else is not a rejection: it propagates as it was thrown, to be retried.
    const bug = new TypeError('bug');
    expect(() => rejectedWithin('x', () => { throw bug; })).toThrow(bug);
  });
});

describe('quote', () => {
  it('JSON-quotes, bounds, and escapes what would break or hide a log line', () => {
    expect(quote('etl-7xk2p')).toBe('"etl-7xk2p"');
    expect(quote('a'.repeat(100))).toBe(`"${'a'.repeat(80)}…"`);
    expect(quote('a'.repeat(80))).toBe(`"${'a'.repeat(80)}"`);
    expect(quote('a\nb\u001b[31mc')).toBe('"a\\nb\\u001b[31mc"');
    expect(quote('x\u009by\u202ez\u2028w')).toBe('"x\\u009by\\u202ez\\u2028w"');
    expect(quote(42)).toBe('"42"');
    expect(quote(undefined)).toBe('"undefined"');
  });
});
