import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Failure, KubeError, type KubeOp, KubeTransientError } from '../../../src/kube/errors.js';
import { DEFAULT_RETRY, withRetry } from '../../../src/kube/retry.js';

const op: KubeOp = { verb: 'get', resource: 'workflows.argoproj.io', namespace: 'argo', name: 'wf' };

/** Failures are thrown as plain objects and classified by identity: no HTTP needed to test the loop. */
class Fails {
  constructor(readonly failure: Failure) {}
}

/**
 * Runs withRetry over a script: attempt n fails with script[n], or succeeds with 'ok' past the end (unless
 * `always` repeats the last failure). Sleeps are recorded, never waited.
 */
async function runScript(script: Failure[], opts: { always?: boolean; random?: number; onFailure?: (f: Failure) => 'retry-now' | 'default' } = {}) {
  const sleeps: number[] = [];
  let calls = 0;
  const outcome = await withRetry(
    op,
    async (index) => {
      calls++;
      const failure = script[index] ?? (opts.always ? script[script.length - 1] : undefined);
      if (failure) throw new Fails(failure);
      return 'ok';
    },
    {
      policy: DEFAULT_RETRY,
      deps: { sleep: async (ms) => void sleeps.push(ms), random: () => opts.random ?? 0.5, now: () => 0 },
      classify: (err) => (err instanceof Fails ? err.failure : undefined),
      ...(opts.onFailure ? { onFailure: opts.onFailure } : {}),
    },
  ).catch((e: unknown) => e);
  return { outcome, sleeps, calls };
}

const serverError: Failure = { kind: 'server-error', status: 500, message: 'etcd timeout' };
const reset: Failure = { kind: 'transport', code: 'ECONNRESET', message: 'cluster unreachable: socket hang up' };
const unauthorized: Failure = { kind: 'unauthorized', status: 401, message: 'Unauthorized' };

describe('withRetry', () => {
  it('retries transient failures with full-jitter backoff, then succeeds', async () => {
    const { outcome, sleeps, calls } = await runScript([serverError, serverError]);
    expect(outcome).toBe('ok');
    expect(calls).toBe(3);
    expect(sleeps).toEqual([100, 200]); // 0.5 * 200ms, 0.5 * 400ms
  });

  it('gives up after the configured attempts with a retryable KubeTransientError', async () => {
    const { outcome, sleeps, calls } = await runScript([reset], { always: true });
    expect(outcome).toBeInstanceOf(KubeTransientError);
    const err = outcome as KubeTransientError;
    expect(err.retryable).toBe(true);
    expect(err.attempts).toBe(4);
    expect(err.message).toMatch(/get workflows\.argoproj\.io argo\/wf failed: cluster unreachable.*gave up after 4 attempts/);
    expect(calls).toBe(4);
    expect(sleeps).toHaveLength(3);
  });

  it('does not retry non-retryable failures', async () => {
    const { outcome, sleeps, calls } = await runScript([{ kind: 'forbidden', status: 403, message: 'nope' }]);
    expect(outcome).toBeInstanceOf(KubeError);
    expect((outcome as KubeError).kind).toBe('forbidden');
    expect((outcome as KubeError).retryable).toBe(false);
    expect(calls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('sleeps at least Retry-After', async () => {
    const { outcome, sleeps } = await runScript([{ kind: 'throttled', status: 429, message: 'slow down', retryAfterMs: 2000 }], { random: 0 });
    expect(outcome).toBe('ok');
    expect(sleeps).toEqual([2000]);
  });

  it('gives up at once when the server asks for a longer pause than it may wait', async () => {
    const { outcome, sleeps } = await runScript([{ kind: 'throttled', status: 429, message: 'slow down', retryAfterMs: 120_000 }]);
    expect(outcome).toBeInstanceOf(KubeTransientError);
    expect((outcome as Error).message).toMatch(/retry after 120s/);
    expect(sleeps).toEqual([]);
  });

  it('lets the caller turn one 401 into a single immediate retry (token refresh), and no more', async () => {
    const refresh = (f: Failure) => (f.kind === 'unauthorized' ? 'retry-now' : 'default');
    const once = await runScript([unauthorized], { onFailure: refresh });
    expect(once.outcome).toBe('ok');
    expect(once.sleeps).toEqual([]);
    const twice = await runScript([unauthorized], { always: true, onFailure: refresh });
    expect((twice.outcome as KubeError).kind).toBe('unauthorized');
    expect(twice.calls).toBe(2);
  });

  it('rethrows what it cannot classify untouched', async () => {
    const boom = new TypeError('bug');
    const outcome = await withRetry(op, async () => Promise.reject(boom), {
      policy: DEFAULT_RETRY,
      deps: { sleep: async () => {}, random: Math.random, now: Date.now },
      classify: () => undefined,
    }).catch((e: unknown) => e);
    expect(outcome).toBe(boom);
  });
});
