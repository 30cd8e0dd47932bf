// Safety invariants 1-4 of README "What it will never do", proven on random Workflows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneJson } from '../../../src/domain/json.js';
import { ARTIFACT_GC_FINALIZER } from '../../../src/domain/assessment.js';
import { patchedFinalizers } from '../../helpers/patch.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import { displayLocation, indexTemplates, resolveArtifact, storageOf } from '../../../src/domain/locations.js';
import { type BucketFact, Workflow } from '../../../src/domain/objects.js';
import { NOW } from '../../fixtures/workflows.js';
import { quietPeriodMs, workflowSnapshot } from './arbitraries.js';

const RUNS = { numRuns: 3000 };
const assessed = fc.tuple(workflowSnapshot, quietPeriodMs).map(([snap, qp]) => ({ snap, a: assessRaw(snap, { now: NOW, quietPeriodMs: qp }) }));

describe('safety invariants on random Workflows', () => {
  it('generates every verdict and every removal path often, so the properties below are not vacuous', () => {
    // A fixed seed, so the counts are the same on every run; the minima also hold with a wide margin for any seed
    // (the rarest path, a removal by force, came at least 18 times in 3000 for each of 20 other seeds).
    const seen = new Map<string, number>();
    const see = (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1);
    fc.assert(
      fc.property(assessed, ({ snap, a }) => {
        see(a.verdict);
        if (a.verdict === 'remove') see(`remove:${a.cause}`);
        if (a.patch && snap.workflow.metadata.finalizers.length > 1) see('patch-among-others');
      }),
      { ...RUNS, seed: 20261201 },
    );
    const atLeast = (n: number, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (seen.get(k) ?? 0) >= n]));
    const everyone = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, true]));
    const common = ['ignore', 'notify', 'patch-among-others', 'remove', 'remove:no-pending-artifacts', 'wait'];
    const rare = ['remove:artifacts-verified-absent', 'remove:force-removal-declared', 'remove:gc-succeeded-unrecouped'];
    expect([...seen.keys()].sort()).toEqual([...common, ...rare].sort());
    expect({ ...atLeast(300, common), ...atLeast(10, rare) }, JSON.stringify(Object.fromEntries(seen))).toEqual(everyone([...common, ...rare]));
  });

  it('1. only workflows.argoproj.io/artifact-gc is removed; other finalizers stay, in order', () => {
    fc.assert(
      fc.property(assessed, ({ snap, a }) => {
        if (!a.patch) return;
        const before = snap.workflow.metadata.finalizers;
        const after = patchedFinalizers({ uid: snap.workflow.metadata.uid!, resourceVersion: snap.workflow.metadata.resourceVersion, finalizers: before }, a.patch);
        expect(after).toEqual(before.filter((f) => f !== ARTIFACT_GC_FINALIZER));
        expect(a.patch.filter((op) => op.op === 'remove').every((op) => op.path.startsWith('/metadata/finalizers/'))).toBe(true);
      }),
      RUNS,
    );
  });

  it('2. nothing is patched unless the phase is Succeeded, Failed or Error', () => {
    fc.assert(
      fc.property(assessed, ({ snap, a }) => {
        if (a.patch || a.verdict === 'remove') expect(['Succeeded', 'Failed', 'Error']).toContain(snap.workflow.status.phase);
      }),
      RUNS,
    );
  });

  it('3. every patch tests the uid, the resourceVersion and each removed index first, so any concurrent change fails closed', () => {
    const change = fc.oneof(
      fc.record({ kind: fc.constant('finalizer' as const), inserted: fc.constantFrom('foregroundDeletion', 'example.com/new', ARTIFACT_GC_FINALIZER) }),
      // The owner opting out between our GET and PATCH: only the annotation and the resourceVersion change.
      fc.record({ kind: fc.constant('opt-out' as const) }),
      fc.record({ kind: fc.constant('status' as const) }),
    );
    fc.assert(
      fc.property(assessed, change, fc.uuid(), fc.boolean(), ({ snap, a }, c, otherUid, rvKept) => {
        if (!a.patch) return;
        const meta = snap.workflow.metadata;
        const uid = meta.uid!;
        const firstRemove = a.patch.findIndex((op) => op.op === 'remove');
        const tests = a.patch.slice(0, firstRemove);
        expect(tests.slice(0, 2)).toEqual([
          { op: 'test', path: '/metadata/uid', value: uid },
          { op: 'test', path: '/metadata/resourceVersion', value: meta.resourceVersion },
        ]);
        for (const op of a.patch.slice(firstRemove)) {
          expect(op.op).toBe('remove');
          expect(tests).toContainEqual({ op: 'test', path: op.path, value: ARTIFACT_GC_FINALIZER });
        }
        const unchanged = { uid, resourceVersion: meta.resourceVersion, finalizers: meta.finalizers };
        // A recreated namesake (new uid) always fails.
        if (otherUid !== uid) expect(() => patchedFinalizers({ ...unchanged, uid: otherUid }, a.patch!)).toThrow(/testing value \/metadata\/uid failed/);
        // Any write by someone else bumps the resourceVersion (the API server always does): the patch always fails.
        const changed = {
          ...unchanged,
          resourceVersion: `${meta.resourceVersion}0`,
          finalizers: c.kind === 'finalizer' ? [c.inserted, ...meta.finalizers] : meta.finalizers,
          ...(c.kind === 'opt-out' ? { annotations: { 'argo-finalizer-remediator/skip': 'true' } } : {}),
        };
        expect(() => patchedFinalizers(changed, a.patch!)).toThrow(/testing value \/metadata\/resourceVersion failed/);
        // Even a store that kept the resourceVersion over a finalizer change would not let another finalizer go.
        if (c.kind !== 'finalizer' || !rvKept) return;
        let result: string[] | undefined;
        try {
          result = patchedFinalizers({ ...changed, resourceVersion: meta.resourceVersion }, a.patch);
        } catch {
          return;
        }
        expect(result.filter((f) => f !== ARTIFACT_GC_FINALIZER)).toEqual(changed.finalizers.filter((f) => f !== ARTIFACT_GC_FINALIZER));
      }),
      RUNS,
    );
  });

  it('4. nothing is removed while artifacts may remain, unless GC proved them deleted, verify found them absent, or the owner declared force', () => {
    const branches = new Map<string, number>();
    fc.assert(
      fc.property(assessed, ({ snap, a }) => {
        if (a.verdict !== 'remove' || a.pendingArtifacts.length === 0) return;
        branches.set(a.cause, (branches.get(a.cause) ?? 0) + 1);
        if (a.cause === 'artifacts-verified-absent') {
          expect(a.notifyOperator).toBe(true);
          const facts = (snap as { bucketFacts?: BucketFact[] }).bucketFacts;
          expect(facts).toBeDefined();
          for (const p of a.pendingArtifacts) {
            if (p.neverUploaded) {
              expect(p.storage).toBeUndefined();
              continue;
            }
            const mine = facts!.filter((f: BucketFact) => JSON.stringify(f.storage) === JSON.stringify(p.storage));
            expect(mine.length).toBeGreaterThan(0);
            expect(mine.every((f: BucketFact) => !f.exists)).toBe(true);
          }
          return;
        }
        if (a.cause === 'force-removal-declared') {
          const force = snap.workflow.status.storedWorkflowTemplateSpec?.artifactGC?.forceFinalizerRemoval ?? snap.workflow.spec.artifactGC?.forceFinalizerRemoval;
          expect(force).toBe(true);
          expect(a.evidence.forceFinalizerRemoval).toBe(true);
          expect(a.notifyOperator).toBe(true);
          // Orphans are listed: the same list a human gets.
          expect(a.reasons.join(' ')).toContain(`${a.pendingArtifacts.length} artifact(s) will be orphaned`);
          return;
        }
        expect(a.cause).toBe('gc-succeeded-unrecouped');
        expect(a.notifyOperator).toBe(true);
        const results = snap.tasks.flatMap((t) => Object.entries(t.status.artifactResultsByNode).flatMap(([node, r]) => Object.values(r.artifactResults).map((x) => ({ node, ...x }))));
        for (const p of a.pendingArtifacts) {
          // A result without `success` says nothing: it neither proves the deletion nor blocks it.
          const mine = results.filter((r) => r.node === p.node && r.name === p.name);
          expect(mine.some((r) => r.success === true)).toBe(true);
          expect(mine.some((r) => r.success === false)).toBe(false);
        }
      }),
      { ...RUNS, seed: 20261201 },
    );
    // Each way out was tried, on the same seed as the check above.
    expect(Object.fromEntries([...branches].sort())).toEqual({
      'artifacts-verified-absent': expect.any(Number), 'force-removal-declared': expect.any(Number), 'gc-succeeded-unrecouped': expect.any(Number),
    });
    expect(Math.min(...branches.values())).toBeGreaterThanOrEqual(10);
  });

  it("the Workflow's own step pods (listed with it by kubectl get wf,pods) never change an assessment", () => {
    let withStepPods = 0;
    fc.assert(
      fc.property(workflowSnapshot, quietPeriodMs, (snap, qp) => {
        const gcPods = snap.pods.filter((p) => (p.metadata.labels as Record<string, string>)['workflows.argoproj.io/component'] === 'artifact-gc');
        if (gcPods.length === snap.pods.length) return;
        withStepPods += 1;
        const opts = { now: NOW, quietPeriodMs: qp };
        expect(assessRaw({ ...snap, pods: gcPods }, opts)).toEqual(assessRaw(snap, opts));
      }),
      { numRuns: 1000, seed: 20261201 },
    );
    expect(withStepPods).toBeGreaterThan(300);
  });

  it('never reports a location whose bucket differs from what the resolver rule gives for the same input', () => {
    let located = 0;
    fc.assert(
      fc.property(assessed, ({ snap, a }) => {
        const wf = Workflow.parse(snap.workflow);
        const index = indexTemplates(wf);
        const nodes = wf.status?.nodes ?? {};
        for (const p of [...a.pendingArtifacts, ...(a.suspectedDirectoryOrphans ?? [])]) {
          const node = nodes[p.node]!;
          const artifact = node.outputs!.artifacts!.find((x) => x.name === p.name);
          const r = resolveArtifact(artifact, node, wf, index);
          if (r.kind !== 'resolved') {
            expect(p.storage).toBeUndefined();
            expect(p.location).toBeUndefined();
            continue;
          }
          located += 1;
          const expected = storageOf(r.location);
          expect(p.storage?.bucket).toBe(expected.bucket);
          expect(p.storage).toEqual(expected);
          expect(p.location).toBe(displayLocation(expected));
        }
      }),
      // Most random Workflows stop before artifacts are listed (phase, finalizer, opt-out): more runs, so a few hundred
      // located artifacts are checked.
      { numRuns: 8000, seed: 20261201 },
    );
    expect(located).toBeGreaterThan(150);
  });

  it('verdicts never depend on the configured argoVersion, only the wording does', () => {
    fc.assert(
      fc.property(workflowSnapshot, quietPeriodMs, fc.constantFrom(undefined, 'v3.5.10', 'v3.7.18', 'v4.0.10', 'v4.0.11', 'v4.1.2', 'v4.1.3', 'v4.2.0'), (snap, qp, argoVersion) => {
        const plain = assessRaw(snap, { now: NOW, quietPeriodMs: qp });
        const versioned = assessRaw(snap, { now: NOW, quietPeriodMs: qp, argoVersion });
        expect([versioned.verdict, versioned.cause, versioned.patch, versioned.notifyOperator, versioned.pendingArtifacts]).toEqual([
          plain.verdict, plain.cause, plain.patch, plain.notifyOperator, plain.pendingArtifacts,
        ]);
      }),
      { numRuns: 1000 },
    );
  });

  it('never removes a Workflow whose owner opted out, or one without the finalizer', () => {
    fc.assert(
      fc.property(assessed, ({ snap, a }) => {
        const m = snap.workflow.metadata;
        if (!m.finalizers.includes(ARTIFACT_GC_FINALIZER) || m.annotations['argo-finalizer-remediator/skip'] === 'true') expect(a.verdict).toBe('ignore');
      }),
      RUNS,
    );
  });

  it('is deterministic: the same snapshot and clock give the same assessment', () => {
    fc.assert(fc.property(workflowSnapshot, (snap) => {
      expect(assessRaw(cloneJson(snap), { now: NOW, quietPeriodMs: 1_800_000 })).toEqual(assessRaw(snap, { now: NOW, quietPeriodMs: 1_800_000 }));
    }), { numRuns: 500 });
  });
});
