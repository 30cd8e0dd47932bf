import { ARTIFACT_GC_FINALIZER, type JsonPatchOp } from './assessment.js';

/**
 * The narrow JSON patch: `test` the uid (a recreated namesake fails closed) and each finalizer index (a
 * concurrent change fails closed with 422), then remove exactly those indices, highest first so the
 * earlier indices stay valid. Every other finalizer keeps its place. Returns undefined when there is nothing
 * to remove or no uid to pin the patch to.
 */
export function planFinalizerRemoval(metadata: {
  uid?: string | undefined;
  finalizers?: readonly string[] | null | undefined;
}): JsonPatchOp[] | undefined {
  const finalizers = metadata.finalizers ?? [];
  const indices = finalizers.flatMap((f, i) => (f === ARTIFACT_GC_FINALIZER ? [i] : [])).reverse();
  if (indices.length === 0 || !metadata.uid) return undefined;
  const ops: JsonPatchOp[] = [{ op: 'test', path: '/metadata/uid', value: metadata.uid }];
  for (const i of indices) ops.push({ op: 'test', path: `/metadata/finalizers/${i}`, value: ARTIFACT_GC_FINALIZER });
  for (const i of indices) ops.push({ op: 'remove', path: `/metadata/finalizers/${i}` });
  return ops;
}
