import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/kube/rate-limiter.js';

function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => void (t += ms),
    deps: { now: () => t, sleep: async (ms: number) => void sleeps.push(ms) },
  };
}

describe('TokenBucket', () => {
  it('lets a burst through, then paces at qps', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ qps: 10, burst: 3 }, clock.deps);
    for (let i = 0; i < 3; i++) await bucket.take();
    expect(clock.sleeps).toEqual([]);
    await bucket.take();
    await bucket.take();
    // Each caller reserves the next free slot: 100 ms, then 200 ms at 10 qps.
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('refills with time, never beyond the burst', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ qps: 10, burst: 2 }, clock.deps);
    await bucket.take();
    await bucket.take();
    clock.advance(60_000);
    await bucket.take();
    await bucket.take();
    expect(clock.sleeps).toEqual([]);
    await bucket.take();
    expect(clock.sleeps).toEqual([100]);
  });

  it('rejects nonsense limits', () => {
    expect(() => new TokenBucket({ qps: 0, burst: 1 })).toThrow(/qps/);
  });
});
