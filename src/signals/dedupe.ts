import type { WorkflowSignal } from './signal.js';

/**
 * One signal per Workflow reference (cluster, namespace, name), in first-seen order: a batch often holds
 * several events about one Workflow (the exporter's repeats, Argo Events' duplicate UPDATEs, a sweep
 * overlapping an event), and each evaluation re-reads the live object anyway.
 *
 * The one kept is the most specific: a signal with a uid beats one without (it pins the object, so a
 * recreated namesake is told apart); then the higher resourceVersion, compared as integers when both are
 * decimal strings (as etcd-backed servers issue them; Kubernetes calls them opaque, so otherwise they are
 * not compared); then one with a resourceVersion over one without; on a tie, the earlier.
 */
export function dedupe(signals: readonly WorkflowSignal[]): WorkflowSignal[] {
  const kept = new Map<string, WorkflowSignal>();
  for (const signal of signals) {
    const key = JSON.stringify([signal.cluster, signal.namespace, signal.name]);
    const current = kept.get(key);
    if (current === undefined || moreSpecific(signal, current)) kept.set(key, signal);
  }
  return [...kept.values()];
}

function moreSpecific(candidate: WorkflowSignal, current: WorkflowSignal): boolean {
  if ((candidate.uid === undefined) !== (current.uid === undefined)) return candidate.uid !== undefined;
  const a = candidate.resourceVersion;
  const b = current.resourceVersion;
  if (a !== undefined && b !== undefined) return isDecimal(a) && isDecimal(b) && BigInt(a) > BigInt(b);
  return a !== undefined && b === undefined;
}

function isDecimal(value: string): boolean {
  return /^\d{1,64}$/.test(value);
}
