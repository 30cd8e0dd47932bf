import { setTimeout as sleep } from 'node:timers/promises';

export interface RateLimit {
  /** Sustained requests per second. */
  qps: number;
  /** Requests allowed back to back after a quiet spell. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { qps: 20, burst: 40 };

/**
 * Client-side token bucket, shared by every request of one port so a sweep cannot flood the API server
 * (the same defence client-go's QPS/Burst gives controllers). Callers that find the bucket empty take a
 * reservation (the balance goes negative) and sleep until their token is due, which keeps them in order
 * without a queue.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly deps: { now: () => number; sleep: (ms: number) => Promise<void> } = {
      now: Date.now,
      sleep,
    },
  ) {
    if (!(limit.qps > 0) || !(limit.burst >= 1)) throw new Error('rate limit needs qps > 0 and burst >= 1');
    this.tokens = limit.burst;
    this.last = deps.now();
  }

  /** Resolves when the caller may send one request. */
  async take(): Promise<void> {
    const now = this.deps.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.last) * this.limit.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    await this.deps.sleep(Math.ceil((-this.tokens * 1000) / this.limit.qps));
  }
}
