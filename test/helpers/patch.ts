// Applies a planned patch to a Workflow's metadata with the local API server's RFC 6902 implementation, the
// code that answers the real PATCH in every integration test, instead of a model of it.
import { applyJsonPatch } from '../../src/local/apiserver/jsonpatch.js';
import type { JsonPatchOp } from '../../src/domain/assessment.js';

export interface PatchedMeta {
  uid: string;
  resourceVersion: string;
  finalizers: readonly string[];
  annotations?: Record<string, string>;
}

/** The finalizers after the patch; throws (as the server answers 422) when a `test` fails. */
export function patchedFinalizers(meta: PatchedMeta, patch: readonly JsonPatchOp[]): string[] {
  const doc = { metadata: { ...meta, finalizers: [...meta.finalizers] } };
  return applyJsonPatch(doc, patch as never).metadata.finalizers;
}
