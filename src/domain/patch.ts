import { ARTIFACT_GC_FINALIZER, type JsonPatchOp } from './assessment.js';

/** What pins a patch to the exact object it was planned on. */
export interface PatchPin {
  uid?: string | undefined;
  resourceVersion?: string | undefined;
}

/**
 * The first two operations of every patch the remediator sends (README, "What it will never do"): `test` on the uid (a
 * recreated namesake fails closed) and on the resourceVersion (any change since the read fails closed, an
 * opt-out annotation added between our GET and PATCH included). The API server answers 422 and the caller
 * re-reads and re-judges once. Every planner starts from these (finalizer removal here; re-arm and `deleted`
 * marks in finishing), so no planner can forget one. Undefined when either is unknown: nothing safe can be sent.
 */
export function pinTests(pin: PatchPin): [JsonPatchOp, JsonPatchOp] | undefined {
  if (!pin.uid || !pin.resourceVersion) return undefined;
  return [
    { op: 'test', path: '/metadata/uid', value: pin.uid },
    { op: 'test', path: '/metadata/resourceVersion', value: pin.resourceVersion },
  ];
}

/**
 * The narrow JSON patch: the pin tests, then a `test` of each finalizer index, then remove exactly those
 * indices, highest first so the earlier indices stay valid. Every other finalizer keeps its place. Returns
 * undefined when there is nothing to remove or no uid and resourceVersion to pin the patch to.
 */
export function planFinalizerRemoval(metadata: PatchPin & { finalizers?: readonly string[] | null | undefined }): JsonPatchOp[] | undefined {
  const finalizers = metadata.finalizers ?? [];
  const indices: number[] = [];
  for (let i = finalizers.length - 1; i >= 0; i--) if (finalizers[i] === ARTIFACT_GC_FINALIZER) indices.push(i);
  const pin = pinTests(metadata);
  if (indices.length === 0 || !pin) return undefined;
  const ops: JsonPatchOp[] = [...pin];
  for (const i of indices) ops.push({ op: 'test', path: `/metadata/finalizers/${i}`, value: ARTIFACT_GC_FINALIZER });
  for (const i of indices) ops.push({ op: 'remove', path: `/metadata/finalizers/${i}` });
  return ops;
}
