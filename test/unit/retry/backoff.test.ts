import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTRY_RETRY_BACKOFF } from '../../../src/aws/retry-delay.js';
import { DEFAULT_RETRY } from '../../../src/kube/retry.js';
import { backoffDelay } from '../../../src/retry/backoff.js';

describe('backoffDelay (the one backoff: kube, Slack, batch entries)', () => {
  it.each([
    ['kube', DEFAULT_RETRY],
    ['batch entries', ENTRY_RETRY_BACKOFF],
    ['slack', { baseMs: 1000, capMs: 8000 }],
  ])('%s: stays within [0, min(cap, base * 2^n))', (_, policy) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (n, r) => {
        const d = backoffDelay(n, policy, () => r);
        return Number.isInteger(d) && d >= 0 && d < Math.max(1, Math.min(policy.capMs, policy.baseMs * 2 ** n));
      }),
    );
  });

  it('doubles the ceiling each retry until the cap (full jitter at random() = 0.5 is half of it)', () => {
    const half = () => 0.5;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, { baseMs: 100, capMs: 2000 }, half))).toEqual([50, 100, 200, 400, 800, 1000]);
  });
});
