import type { Backoff } from '../retry/backoff.js';

/**
 * Entries a batch call reports as failed (PutEvents, SendMessageBatch) are retried alone, soon: the call
 * itself succeeded, so only a short throttle or an internal error is in the way.
 */
export const ENTRY_RETRY_BACKOFF: Backoff = { baseMs: 100, capMs: 2_000 };
