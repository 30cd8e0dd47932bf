import { ARTIFACT_GC_FINALIZER, type JsonPatchOp } from '../domain/assessment.js';

/** The planned patch is not the narrow one: refusing to send it is the whole point of this module. */
export class UnsafePatchError extends Error {
  override readonly name = 'UnsafePatchError';
}

const FINALIZER_PATH = /^\/metadata\/finalizers\/(\d+)$/;

/**
 * Last check before the wire (README, "What it will never do": only this finalizer, and never without test ops): the patch must test the Workflow's uid, and
 * may only remove finalizer indices it has first tested to hold the artifact-GC finalizer. Anything else is
 * a bug upstream, and nothing is sent.
 */
export function assertPlannedPatch(patch: readonly JsonPatchOp[], uid: string | undefined): void {
  if (!uid) throw new UnsafePatchError('refusing to patch: the Workflow has no uid to pin the patch to');
  if (patch.length === 0) throw new UnsafePatchError('refusing to send an empty patch');
  let uidTested = false;
  const tested = new Set<number>();
  const removed = new Set<number>();
  let removing = false;
  for (const op of patch) {
    if (op.op === 'test') {
      if (removing) throw new UnsafePatchError('refusing to patch: every test must come before the first remove');
      if (op.path === '/metadata/uid') {
        if (op.value !== uid) throw new UnsafePatchError('refusing to patch: the uid test does not match the Workflow');
        uidTested = true;
        continue;
      }
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
  if (!uidTested) throw new UnsafePatchError('refusing to patch: no test on /metadata/uid');
  if (removed.size === 0) throw new UnsafePatchError('refusing to patch: nothing to remove');
  // Removing a lower index first would shift the higher ones onto other finalizers.
  const order = patch.filter((op) => op.op === 'remove').map((op) => Number(FINALIZER_PATH.exec(op.path)?.[1]));
  if (order.some((i, k) => k > 0 && i >= order[k - 1]!)) {
    throw new UnsafePatchError('refusing to patch: finalizer removals must run from the highest index down');
  }
}
