import { describe, expect, it } from 'vitest';
import { builtOnFirstCall, Warm } from '../../../src/runtime/warm.js';

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

describe('builtOnFirstCall', () => {
  interface Sink {
    put(key: string, body: string): Promise<'written'>;
    get(key: string): Promise<string | undefined>;
  }

  it('builds nothing until a method is called, then once, and every call reaches the built adapter with its arguments', async () => {
    let builds = 0;
    const stored = new Map<string, string>();
    const sink: Sink = builtOnFirstCall<Sink, 'put' | 'get'>(async () => {
      builds += 1;
      return {
        async put(key, body) {
          stored.set(key, body);
          return 'written';
        },
        async get(key) {
          return stored.get(key);
        },
      };
    }, ['put', 'get']);
    expect(builds).toBe(0);
    expect(await Promise.all([sink.put('a', '1'), sink.put('b', '2')])).toEqual(['written', 'written']);
    expect(await sink.get('b')).toBe('2');
    expect(builds).toBe(1);
  });

  it('fails the call whose build fails, and builds again on the next call (a chunk that could not load is retried)', async () => {
    let builds = 0;
    const sink = builtOnFirstCall<Sink, 'put' | 'get'>(async () => {
      builds += 1;
      if (builds === 1) throw new Error('Cannot find module aws-s3.mjs');
      return { put: async () => 'written' as const, get: async () => undefined };
    }, ['put', 'get']);
    await expect(sink.put('a', '1')).rejects.toThrow('Cannot find module');
    expect(await sink.put('a', '1')).toBe('written');
    expect(builds).toBe(2);
  });
});
