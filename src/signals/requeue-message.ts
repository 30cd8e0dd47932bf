import * as z from 'zod';
import { WorkflowSignal } from './signal.js';
import { parseOrReject } from './zod-reason.js';

export const REQUEUE_MESSAGE_KIND = 'afr.requeue/v1';

/**
 * What a `wait` verdict sends back to the signals queue (with an SQS delay): the signal that led to it,
 * and how many hops it has taken so the chain stays bounded. The original `source` is not carried: the
 * re-delivered signal's source is `requeue`.
 */
export const RequeueMessage = WorkflowSignal.omit({ source: true, attempt: true }).extend({
  kind: z.literal(REQUEUE_MESSAGE_KIND),
  attempt: z.number().int().min(1).max(1000),
});
export type RequeueMessage = z.infer<typeof RequeueMessage>;

/** The next hop for `signal`: attempt one more than the signal's own. Throws SignalRejected if invalid. */
export function buildRequeueMessage(signal: WorkflowSignal, attempt = (signal.attempt ?? 0) + 1): RequeueMessage {
  const { source: _source, attempt: _previous, ...ref } = signal;
  return parseOrReject(RequeueMessage, { ...ref, kind: REQUEUE_MESSAGE_KIND, attempt }, 'requeue message');
}

export function fromRequeueMessage(input: unknown): WorkflowSignal {
  const { kind: _kind, ...ref } = parseOrReject(RequeueMessage, input, REQUEUE_MESSAGE_KIND);
  return { ...ref, source: 'requeue' };
}
