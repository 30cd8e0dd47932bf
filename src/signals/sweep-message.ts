import * as z from 'zod';
import { WorkflowSignal } from './signal.js';
import { parseOrReject } from './zod-reason.js';

export const SWEEP_MESSAGE_KIND = 'afr.sweep/v1';

/**
 * What the scheduled sweep enqueues for each candidate Workflow: a reference, never the object (a
 * Workflow can outgrow an SQS message). Versioned by `kind` so a consumer of another build rejects it
 * to the DLQ instead of misreading it.
 */
export const SweepMessage = WorkflowSignal.pick({
  cluster: true,
  namespace: true,
  name: true,
  uid: true,
  resourceVersion: true,
}).extend({ kind: z.literal(SWEEP_MESSAGE_KIND) });
export type SweepMessage = z.infer<typeof SweepMessage>;

/** Throws SignalRejected when the reference is not valid (a name that is not DNS-1123...). */
export function buildSweepMessage(ref: Omit<SweepMessage, 'kind'>): SweepMessage {
  const { cluster, namespace, name, uid, resourceVersion } = ref;
  return parseOrReject(
    SweepMessage,
    { kind: SWEEP_MESSAGE_KIND, cluster, namespace, name, ...(uid ? { uid } : {}), ...(resourceVersion ? { resourceVersion } : {}) },
    'sweep message',
  );
}

export function fromSweepMessage(input: unknown): WorkflowSignal {
  const { kind: _kind, ...ref } = parseOrReject(SweepMessage, input, SWEEP_MESSAGE_KIND);
  return { ...ref, source: 'sweep' };
}
