/** Where an exponential backoff starts and where it stops growing. */
export interface Backoff {
  baseMs: number;
  capMs: number;
}

/**
 * The wait before retry number `retryIndex` (0 for the first retry). Full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"): uniform in [0, min(cap, base * 2^n)), so callers that failed together
 * do not retry together.
 */
export function backoffDelay(retryIndex: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, retryIndex));
  return Math.floor(random() * ceiling);
}
