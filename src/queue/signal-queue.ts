/** One message for the signals queue, with its SQS delay (0-900 s). */
export interface QueueMessage {
  body: string;
  delaySeconds?: number;
}

/** A queue either takes every message or throws: a reference or a pending decision is never dropped. */
export interface SignalQueue {
  send(messages: QueueMessage[]): Promise<void>;
}

export class EnqueueError extends Error {
  override readonly name = 'EnqueueError';
  readonly retryable = true;
}

/** SQS caps a delay at 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

export function clampDelay(seconds: number): number {
  return Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(seconds)));
}
