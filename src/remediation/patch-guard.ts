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

const GUARDED_CHANGE = [
  /^\/status\/artifactGCStatus\/(strategiesProcessed|podsRecouped)\/[^/]+$/,
  /^\/status\/nodes\/[^/]+\/outputs\/artifacts\/\d+\/deleted$/,
  /^\/metadata\/annotations(\/argo-finalizer-remediator~1rearm)?$/,
];

/**
 * The same last check for the patches finishing GC sends (re-arm, `deleted: true` marks): `test` on the uid and
 * the resourceVersion first; only the paths finishing owns are changed; each removed or replaced path is tested
 * before; each `deleted` mark has its artifact's name tested at that index. Invariant 3, enforced at the wire.
 */
export function assertFinishingPatch(patch: readonly { op: string; path: string; value?: unknown }[], uid: string | undefined): void {
  assertPinned(patch, uid);
  const tested = new Set<string>();
  let changing = false;
  let changes = 0;
  for (const op of patch) {
    if (op.op === 'test') {
      if (changing) throw new UnsafePatchError('refusing to patch: every test must come before the first change');
      tested.add(op.path);
      continue;
    }
    changing = true;
    changes++;
    if (!GUARDED_CHANGE.some((re) => re.test(op.path))) throw new UnsafePatchError(`refusing to patch: ${op.op} of ${op.path} is not a finishing path`);
    if (op.op === 'remove' || op.op === 'replace') {
      if (!tested.has(op.path)) throw new UnsafePatchError(`refusing to patch: ${op.op} of ${op.path} is not guarded by a test`);
    } else if (op.op === 'add') {
      if (op.path.endsWith('/deleted') && !tested.has(op.path.replace(/\/deleted$/, '/name'))) {
        throw new UnsafePatchError(`refusing to patch: ${op.path} is not guarded by a test of the artifact's name`);
      }
      if (op.path.endsWith('/deleted') && op.value !== true) throw new UnsafePatchError('refusing to patch: an artifact can only be marked deleted: true');
    } else {
      throw new UnsafePatchError(`refusing to patch: unexpected op ${op.op}`);
    }
  }
  if (changes === 0) throw new UnsafePatchError('refusing to send a patch that changes nothing');
}
