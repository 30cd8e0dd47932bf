/**
 * The wait before attempt `attempt` (2, 3, ...) of a call whose failed entries are retried alone
 * (PutEvents, SendMessageBatch): exponential from 100 ms, capped at 2 s, with half of it jittered.
 */
export function entryRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(2_000, 100 * 2 ** (attempt - 2)) * (0.5 + random() / 2);
}
