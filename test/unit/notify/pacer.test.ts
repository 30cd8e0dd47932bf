import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/notify/pacer.js';
import { fakeTime } from './fake-time.js';

describe('Pacer', () => {
  it('lets the first call through and spaces the next ones a full interval apart', async () => {
    const t = fakeTime();
    const p = new Pacer(1000, t.clock, t.sleep);
    const at: number[] = [];
    for (let i = 0; i < 4; i++) {
      await p.acquire();
      at.push(t.now);
    }
    expect(t.sleeps).toEqual([1000, 1000, 1000]);
    expect(at.slice(1).map((x, i) => x - at[i]!)).toEqual([1000, 1000, 1000]);
  });

  it('serialises concurrent callers in arrival order', async () => {
    const t = fakeTime();
    const p = new Pacer(1000, t.clock, t.sleep);
    const order: number[] = [];
    const at: number[] = [];
    await Promise.all([0, 1, 2].map((i) => p.acquire().then(() => (order.push(i), at.push(t.now)))));
    expect(order).toEqual([0, 1, 2]);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1000);
  });

  it('does not sleep when the interval has already passed', async () => {
    const t = fakeTime();
    const p = new Pacer(1000, t.clock, t.sleep);
    await p.acquire();
    t.advance(5000);
    await p.acquire();
    expect(t.sleeps).toEqual([]);
  });

  it('honours a deferral such as Retry-After', async () => {
    const t = fakeTime();
    const p = new Pacer(1000, t.clock, t.sleep);
    await p.acquire();
    p.deferUntil(t.now + 7000);
    await p.acquire();
    expect(t.sleeps).toEqual([7000]);
  });
});
