import { SignalRejected } from '../../../src/signals/rejected.js';

/** The SignalRejected `fn` throws; fails the test if it throws anything else or nothing. */
export function rejection(fn: () => unknown): SignalRejected {
  try {
    fn();
  } catch (err) {
    if (err instanceof SignalRejected) return err;
    throw err;
  }
  throw new Error('expected a SignalRejected, nothing was thrown');
}
