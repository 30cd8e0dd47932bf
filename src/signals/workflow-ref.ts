import { type SignalSource, WorkflowSignal } from './signal.js';
import type { Transport } from './limits.js';
import { quote, SignalRejected } from './rejected.js';

/** What a shape converter extracted about the object; blank values already dropped. */
export interface ExtractedRef {
  cluster: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
  uid: string | undefined;
  resourceVersion: string | undefined;
  reason: string | undefined;
}

export interface SignalContext {
  /** Used when the payload carries no cluster name (Argo Events, the opsgenie exporter, a blank `clusterName`). */
  defaultCluster: string;
  /** The transport that delivered the input: JSON text inside it is held to its limit (limits.ts). Default: a synchronous Lambda invocation. */
  carrier?: Transport;
}

const MAX_REASON = 256;

/**
 * Turns an extracted reference into a WorkflowSignal or a rejection naming the bad field. Names are
 * checked against DNS-1123 here (by the shared schema), before anything downstream can put them in a URL.
 */
export function toSignal(subject: string, ref: ExtractedRef, source: SignalSource, ctx: SignalContext): WorkflowSignal {
  const cluster = ref.cluster ?? blank(ctx.defaultCluster);
  if (cluster === undefined) {
    throw new SignalRejected(`${subject} names no cluster and no default cluster is configured`);
  }
  if (ref.namespace === undefined) throw new SignalRejected(`${subject} has no namespace`);
  if (ref.name === undefined) throw new SignalRejected(`${subject} has no name`);
  const candidate = {
    cluster,
    namespace: ref.namespace,
    name: ref.name,
    source,
    ...(ref.uid === undefined ? {} : { uid: ref.uid }),
    ...(ref.resourceVersion === undefined ? {} : { resourceVersion: ref.resourceVersion }),
    ...(ref.reason === undefined ? {} : { reason: ref.reason.slice(0, MAX_REASON) }),
  };
  const parsed = WorkflowSignal.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? 'reference');
  const value = (candidate as Record<string, unknown>)[field];
  throw new SignalRejected(`${subject} ${field} ${quote(value)} is invalid: ${issue?.message ?? 'rejected'}`);
}

/**
 * Absent, null, empty, and Go's `<no value>` (what a template prints for a missing map key) all mean
 * "not given": templated layouts turn every missing field into one of these.
 */
export function blank(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  // Non-blank values are returned untouched: a name with stray spaces must fail validation, not be fixed.
  return trimmed === '' || trimmed === '<no value>' ? undefined : value;
}
