import * as z from 'zod';
import { WorkflowSignal } from './signal.js';
import { parseOrReject } from './zod-reason.js';

export const FORWARDED_MESSAGE_KIND = 'afr.forwarded/v1';

/**
 * What `ingest` enqueues for a signal it normalized (Argo Events): the whole signal, so decisions and audit
 * records keep where it came from and why (`source`, `reason`), unlike a sweep reference.
 */
export const ForwardedMessage = WorkflowSignal.omit({ attempt: true }).extend({ kind: z.literal(FORWARDED_MESSAGE_KIND) });
export type ForwardedMessage = z.infer<typeof ForwardedMessage>;

/** Throws SignalRejected if the signal is not valid. */
export function buildForwardedMessage(signal: WorkflowSignal): ForwardedMessage {
  const { attempt: _attempt, ...rest } = signal;
  return parseOrReject(ForwardedMessage, { ...rest, kind: FORWARDED_MESSAGE_KIND }, 'forwarded message');
}

export function fromForwardedMessage(input: unknown): WorkflowSignal {
  const { kind: _kind, ...signal } = parseOrReject(ForwardedMessage, input, FORWARDED_MESSAGE_KIND);
  return signal;
}
