/**
 * A payload that can never yield a signal however often it is retried: not JSON, an unknown shape, a
 * Workflow reference that is not a valid Kubernetes name. Consumers drop it (to a DLQ or a "Signal
 * Rejected" event) instead of retrying; the CLI exits 2. The message is one line and names what to fix.
 */
export class SignalRejected extends Error {
  override readonly name = 'SignalRejected';
  /** Retrying cannot help: the same bytes are rejected the same way. */
  readonly permanent = true;

  readonly reason: string;

  constructor(reason: string) {
    const line = reason.replace(/\s*[\r\n]+\s*/g, '; ');
    super(line);
    this.reason = line;
  }

  /** The same rejection, located inside a wrapper ("SQS record m1: EventBridge detail: ..."). */
  within(where: string): SignalRejected {
    return new SignalRejected(`${where}: ${this.reason}`);
  }
}

/** Runs `fn`, prefixing any rejection with where in the payload it happened. */
export function rejectedWithin<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SignalRejected) throw err.within(where);
    throw err;
  }
}

/**
 * Quotes a value taken from the payload for a reason: JSON-escaped, with the invisible and line-breaking
 * characters JSON leaves alone (C1 controls, bidi overrides, U+2028) escaped too, and bounded, so a hostile
 * payload cannot flood a log line, forge a second one, or hide text.
 */
export function quote(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut).replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
