import { setTimeout as sleep } from 'node:timers/promises';
import { type Backoff, backoffDelay } from '../retry/backoff.js';
import { type Failure, type KubeError, type KubeOp, KubeTransientError, RETRYABLE_KINDS, toKubeError } from './errors.js';

export interface RetryPolicy extends Backoff {
  /** Total attempts including the first. */
  attempts: number;
  /**
   * Longest Retry-After we are willing to sleep through inside one invocation; a longer one ends the
   * attempt with a transient error so the queue redelivers later instead of burning Lambda time.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 200, capMs: 5_000, maxRetryAfterMs: 30_000 };

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  random: () => number;
  now: () => number;
}

export const realRetryDeps: RetryDeps = {
  sleep,
  random: Math.random,
  now: Date.now,
};

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable failure (thrown as the mapped KubeError), or
 * runs out of attempts (thrown as KubeTransientError). What `classify` does not recognise propagates
 * untouched. The original error is kept as `cause`.
 */
export async function withRetry<T>(
  op: KubeOp,
  attempt: (index: number) => Promise<T>,
  opts: {
    policy: RetryPolicy;
    deps: RetryDeps;
    /** Classifies a thrown value; undefined means "not ours, rethrow as is". */
    classify: (err: unknown) => Failure | undefined;
    /** Lets the caller turn one specific failure into a single extra try (e.g. 401 after a token refresh). */
    onFailure?: (failure: Failure, index: number) => 'retry-now' | 'default';
    onRetry?: (info: { op: KubeOp; failure: Failure; attempt: number; delayMs: number }) => void;
  },
): Promise<T> {
  const { policy, deps } = opts;
  let extraTries = 0;
  for (let index = 0; ; index++) {
    try {
      return await attempt(index);
    } catch (err) {
      const failure = opts.classify(err);
      if (!failure) throw err;
      if (extraTries === 0 && opts.onFailure?.(failure, index) === 'retry-now') {
        extraTries++;
        continue;
      }
      if (!RETRYABLE_KINDS.has(failure.kind)) throw withCause(toKubeError(failure, op), err);
      const attemptsMade = index + 1 - extraTries;
      if (attemptsMade >= policy.attempts) throw withCause(new KubeTransientError(failure, op, attemptsMade), err);
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.maxRetryAfterMs) {
        throw withCause(
          new KubeTransientError(failure, op, attemptsMade, `server asked to retry after ${Math.ceil(failure.retryAfterMs / 1000)}s`),
          err,
        );
      }
      const jitter = backoffDelay(attemptsMade - 1, policy, deps.random);
      // Retry-After is a floor set by the server (API priority and fairness); jitter still spreads the herd.
      const delayMs = failure.retryAfterMs !== undefined ? Math.max(failure.retryAfterMs, jitter) : jitter;
      opts.onRetry?.({ op, failure, attempt: attemptsMade, delayMs });
      await deps.sleep(delayMs);
    }
  }
}

function withCause<E extends KubeError>(error: E, cause: unknown): E {
  Object.defineProperty(error, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return error;
}
