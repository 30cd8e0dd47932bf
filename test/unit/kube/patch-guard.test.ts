// Remediation safety checks that need no cluster (placed here because test/unit/kube is this work's test area).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_GC_FINALIZER, type JsonPatchOp } from '../../../src/domain/assessment.js';
import { planFinalizerRemoval } from '../../../src/domain/patch.js';
import { canonicalJson, snapshotDigest } from '../../../src/remediation/digest.js';
import { assertPlannedPatch, UnsafePatchError } from '../../../src/remediation/patch-guard.js';

const uid = '5b0f3c1e-8d7a-4c55-9a52-2f6b1f0e9a11';
const gc = ARTIFACT_GC_FINALIZER;
const rv = '4711';
const uidTest: JsonPatchOp = { op: 'test', path: '/metadata/uid', value: uid };
const rvTest: JsonPatchOp = { op: 'test', path: '/metadata/resourceVersion', value: rv };

describe('assertPlannedPatch', () => {
  it('accepts every patch the domain plans', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(gc, 'foregroundDeletion', 'example.com/keep', 'workflows.argoproj.io/status'), { maxLength: 6 }), (finalizers) => {
        const patch = planFinalizerRemoval({ uid, resourceVersion: rv, finalizers });
        if (patch) expect(patch.slice(0, 2)).toEqual([uidTest, rvTest]);
        if (!patch) return !finalizers.includes(gc);
        assertPlannedPatch(patch, uid);
        return true;
      }),
    );
  });

  it.each<[string, JsonPatchOp[]]>([
    ['no uid test', [rvTest, { op: 'test', path: '/metadata/finalizers/0', value: gc }, { op: 'remove', path: '/metadata/finalizers/0' }]],
    ['no resourceVersion test', [uidTest, { op: 'test', path: '/metadata/finalizers/0', value: gc }, { op: 'remove', path: '/metadata/finalizers/0' }]],
    ['the pin in the wrong order', [rvTest, uidTest, { op: 'test', path: '/metadata/finalizers/0', value: gc }, { op: 'remove', path: '/metadata/finalizers/0' }]],
    ['an empty resourceVersion test', [uidTest, { ...rvTest, value: '' }, { op: 'test', path: '/metadata/finalizers/0', value: gc }, { op: 'remove', path: '/metadata/finalizers/0' }]],
    [
      'uid test for another object',
      [{ op: 'test', path: '/metadata/uid', value: 'other' }, rvTest, { op: 'test', path: '/metadata/finalizers/0', value: gc }, { op: 'remove', path: '/metadata/finalizers/0' }],
    ],
    ['remove without test', [uidTest, rvTest, { op: 'remove', path: '/metadata/finalizers/0' }]],
    [
      'remove of another finalizer',
      [
        uidTest,
        rvTest,
        { op: 'test', path: '/metadata/finalizers/1', value: 'foregroundDeletion' },
        { op: 'remove', path: '/metadata/finalizers/1' },
      ],
    ],
    ['remove of all finalizers', [uidTest, rvTest, { op: 'remove', path: '/metadata/finalizers' }]],
    ['remove of something else', [uidTest, rvTest, { op: 'remove', path: '/spec' }]],
    ['nothing removed', [uidTest, rvTest]],
    [
      'test after remove',
      [
        uidTest,
        rvTest,
        { op: 'test', path: '/metadata/finalizers/0', value: gc },
        { op: 'remove', path: '/metadata/finalizers/0' },
        { op: 'test', path: '/metadata/finalizers/1', value: gc },
      ],
    ],
    [
      'lower index removed first',
      [
        uidTest,
        rvTest,
        { op: 'test', path: '/metadata/finalizers/0', value: gc },
        { op: 'test', path: '/metadata/finalizers/2', value: gc },
        { op: 'remove', path: '/metadata/finalizers/0' },
        { op: 'remove', path: '/metadata/finalizers/2' },
      ],
    ],
  ])('refuses a patch with %s', (_label, patch) => {
    expect(() => assertPlannedPatch(patch, uid)).toThrow(UnsafePatchError);
  });

  it('plans nothing without a resourceVersion to pin to', () => {
    expect(planFinalizerRemoval({ uid, finalizers: [gc] })).toBeUndefined();
    expect(planFinalizerRemoval({ resourceVersion: rv, finalizers: [gc] })).toBeUndefined();
  });

  it('refuses when the Workflow has no uid', () => {
    expect(() => assertPlannedPatch(planFinalizerRemoval({ uid, resourceVersion: rv, finalizers: [gc] })!, undefined)).toThrow(/no uid/);
  });
});

describe('snapshotDigest', () => {
  it('does not depend on key order, and changes with any value', () => {
    const a = { workflow: { metadata: { name: 'a', uid }, status: { phase: 'Succeeded' } }, pods: [], tasks: [] };
    const b = { tasks: [], pods: [], workflow: { status: { phase: 'Succeeded' }, metadata: { uid, name: 'a' } } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(snapshotDigest(a)).toBe(snapshotDigest(b));
    expect(snapshotDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(snapshotDigest({ ...a, pods: [{}] })).not.toBe(snapshotDigest(a));
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: undefined })).toBe('{"b":[{"c":2,"d":1}]}');
  });
});
