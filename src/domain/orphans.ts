import type { Assessment, PendingArtifact } from './assessment.js';

/**
 * What removing the finalizer leaves in storage with nothing in Argo to delete it: every pending artifact,
 * except when the GC task itself reports the artifacts deleted (the pod was never recouped) or their buckets
 * were read and hold none of them (row 11), and except artifacts that were never uploaded (no key, no location:
 * nothing exists to orphan).
 */
export function orphanedByRemoval(a: Pick<Assessment, 'cause' | 'pendingArtifacts'>): PendingArtifact[] {
  if (a.cause === 'gc-succeeded-unrecouped' || a.cause === 'artifacts-verified-absent') return [];
  return a.pendingArtifacts.filter((p) => (p as { neverUploaded?: unknown }).neverUploaded !== true);
}
