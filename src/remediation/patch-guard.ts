import { ARTIFACT_GC_FINALIZER, type JsonPatchOp } from '../domain/assessment.js';

/** The planned patch is not the narrow one: refusing to send it is the whole point of this module. */
export class UnsafePatchError extends Error {
  override readonly name = 'UnsafePatchError';
}

const FINALIZER_PATH = /^\/metadata\/finalizers\/(\d+)$/;

/**
 * The pin every patch starts with (`pinTests` in src/domain/patch.ts): op 0 tests the Workflow's uid, op 1 its
 * resourceVersion. Shared by every guard, so no kind of patch can reach the wire unpinned.
 */
export function assertPinned(patch: readonly { op: string; path: string; value?: unknown }[], uid: string | undefined): void {
  if (!uid) throw new UnsafePatchError('refusing to patch: the Workflow has no uid to pin the patch to');
  if (patch.length === 0) throw new UnsafePatchError('refusing to send an empty patch');
  const [first, second] = patch;
  if (first?.op !== 'test' || first.path !== '/metadata/uid') throw new UnsafePatchError('refusing to patch: no test on /metadata/uid first');
  if (first.value !== uid) throw new UnsafePatchError('refusing to patch: the uid test does not match the Workflow');
  if (second?.op !== 'test' || second.path !== '/metadata/resourceVersion' || typeof second.value !== 'string' || second.value === '') {
    throw new UnsafePatchError('refusing to patch: no test on /metadata/resourceVersion after the uid');
  }
}

/**
 * Last check before the wire (README, "What it will never do": only this finalizer, and never without test ops):
 * the patch must be pinned (uid, resourceVersion), and may only remove finalizer indices it has first tested to
 * hold the artifact-GC finalizer. Anything else is a bug upstream, and nothing is sent.
 */
export function assertPlannedPatch(patch: readonly JsonPatchOp[], uid: string | undefined): void {
  assertPinned(patch, uid);
  const tested = new Set<number>();
  const removed = new Set<number>();
  let removing = false;
  for (const [k, op] of patch.entries()) {
    if (op.op === 'test') {
      if (removing) throw new UnsafePatchError('refusing to patch: every test must come before the first remove');
      if (k < 2) continue;
      const index = FINALIZER_PATH.exec(op.path)?.[1];
      if (index === undefined || op.value !== ARTIFACT_GC_FINALIZER) {
        throw new UnsafePatchError(`refusing to patch: unexpected test on ${op.path}`);
      }
      tested.add(Number(index));
    } else {
      removing = true;
      const index = FINALIZER_PATH.exec(op.path)?.[1];
      if (index === undefined || !tested.has(Number(index)) || removed.has(Number(index))) {
        throw new UnsafePatchError(`refusing to patch: remove of ${op.path} is not guarded by a test of ${ARTIFACT_GC_FINALIZER}`);
      }
      removed.add(Number(index));
    }
  }
  if (removed.size === 0) throw new UnsafePatchError('refusing to patch: nothing to remove');
  // Removing a lower index first would shift the higher ones onto other finalizers.
  const order = patch.filter((op) => op.op === 'remove').map((op) => Number(FINALIZER_PATH.exec(op.path)?.[1]));
  if (order.some((i, k) => k > 0 && i >= order[k - 1]!)) {
    throw new UnsafePatchError('refusing to patch: finalizer removals must run from the highest index down');
  }
}
