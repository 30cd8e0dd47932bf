import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/retry/retry-after.js';

// RFC 9110 section 10.2.3 (Retry-After) and 5.6.7 (HTTP-date): the kube client and the Slack client read it here.
describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it.each<[string, string, number]>([
    ['delay-seconds, a decimal integer', '7', 7000],
    ['zero', '0', 0],
    ['surrounding whitespace', ' 120 ', 120_000],
    ['fractional seconds (not in the RFC), rounded up to the millisecond', '1.5', 1500],
    ['a tiny fraction', '0.0001', 1],
    ['an IMF-fixdate', 'Thu, 01 Jan 2026 00:00:05 GMT', 5000],
    ['an RFC 850 date', 'Thursday, 01-Jan-26 00:00:05 GMT', 5000],
    ['an asctime date, as UTC', 'Thu Jan  1 00:00:05 2026', 5000],
    ['a date in the past, as now', 'Wed, 31 Dec 2025 23:00:00 GMT', 0],
  ])('reads %s', (_, value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each(['', 'soon', '-1', '1e3', '0x10', '2026-01-01T00:00:05Z', '5 seconds', 'Thu, 01 Jan 2026 00:00:05 PST'])(
    'finds %j unreadable (the caller falls back to its backoff), never a date in 2001',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );

  it('absent is undefined', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
