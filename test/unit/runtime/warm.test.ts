import { describe, expect, it } from 'vitest';
import { Warm } from '../../../src/runtime/warm.js';

describe('Warm', () => {
  it('builds once while warm, and again after a reset', async () => {
    let builds = 0;
    const warm = new Warm(async () => ++builds);
    expect(await Promise.all([warm.get(), warm.get()])).toEqual([1, 1]);
    expect(await warm.get()).toBe(1);
    warm.reset();
    expect(await warm.get()).toBe(2);
  });

  it('forgets a failed build so the next event retries instead of failing for the life of the container', async () => {
    let builds = 0;
    const warm = new Warm(async () => {
      builds += 1;
      if (builds === 1) throw new Error('SSM throttled');
      return 'deps';
    });
    await expect(warm.get()).rejects.toThrow('SSM throttled');
    expect(await warm.get()).toBe('deps');
    expect(builds).toBe(2);
  });
});
