import * as timers from 'node:timers/promises';

export type Clock = () => number;
export type Sleep = (ms: number) => Promise<void>;

export const systemClock: Clock = () => Date.now();

/**
 * Spaces calls at least `intervalMs` apart, in arrival order, however many callers share it. Slack allows
 * about one message per second per webhook; above that it answers 429 or hides messages without an error.
 */
export class Pacer {
  private nextAt = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock = systemClock,
    private readonly sleep: Sleep = timers.setTimeout,
  ) {}

  /** Resolves when the caller may send; the next caller waits a full interval after that moment. */
  acquire(): Promise<void> {
    const turn = this.queue.then(async () => {
      const wait = this.nextAt - this.clock();
      if (wait > 0) await this.sleep(wait);
      this.nextAt = this.clock() + this.intervalMs;
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Pushes the next slot back, e.g. when Slack said Retry-After. */
  deferUntil(at: number): void {
    this.nextAt = Math.max(this.nextAt, at);
  }
}

const shared = new Map<string, Pacer>();

/**
 * One pacer per webhook for the life of the process (a warm Lambda keeps it), keyed by a caller-supplied id
 * such as a hash of the URL, never the URL itself.
 */
export function sharedPacer(id: string, intervalMs = 1000): Pacer {
  let p = shared.get(id);
  if (!p) {
    p = new Pacer(intervalMs);
    shared.set(id, p);
  }
  return p;
}
