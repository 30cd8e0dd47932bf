import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evidenceNeeded } from '../../../src/domain/evidence.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import { decisionTableCases, NOW } from '../../fixtures/workflows.js';
import { quietPeriodMs, workflowSnapshot } from './arbitraries.js';

/** Everything but the pod and task lists in the evidence, which a reduced snapshot leaves empty on purpose. */
const judged = (a: ReturnType<typeof assessRaw>) => ({ ...a, evidence: { ...a.evidence, pods: [], tasks: [] } });

describe('evidenceNeeded: list only what can change the verdict', () => {
  it('a snapshot reduced to the needed evidence is judged exactly like the full one (random Workflows)', () => {
    let reduced = 0;
    fc.assert(
      fc.property(workflowSnapshot, quietPeriodMs, (snap, qp) => {
        const needs = evidenceNeeded(snap.workflow);
        if (!needs.pods || !needs.tasks) reduced += 1;
        const opts = { now: NOW, quietPeriodMs: qp };
        const full = assessRaw(snap, opts);
        const partial = assessRaw({ ...snap, pods: needs.pods ? snap.pods : [], tasks: needs.tasks ? snap.tasks : [] }, opts);
        expect(judged(partial)).toEqual(judged(full));
      }),
      // A fixed seed: the count below must not depend on luck (the properties hold for any seed).
      { numRuns: 3000, seed: 20261201 },
    );
    expect(reduced).toBeGreaterThan(500);
  });

  it('on the decision-table fixtures too', () => {
    for (const c of decisionTableCases()) {
      const needs = evidenceNeeded(c.snapshot.workflow);
      const opts = { now: c.now ?? NOW, quietPeriodMs: 1_800_000 };
      // Bucket facts come from verify, not from the cluster listing: they are carried as they are.
      const partial = { ...c.snapshot, pods: needs.pods ? c.snapshot.pods : [], tasks: needs.tasks ? c.snapshot.tasks : [] };
      expect([c.title, judged(assessRaw(partial, opts))]).toEqual([c.title, judged(assessRaw(c.snapshot, opts))]);
    }
  });

  it('needs nothing for rows 1-5, pods for a removal with nothing pending, both when artifacts are pending', () => {
    const byTitle = Object.fromEntries(decisionTableCases().map((c) => [c.title, evidenceNeeded(c.snapshot.workflow)]));
    for (const row of ['row 1: finalizer already gone', 'row 2: opted out by annotation', 'row 3: deleted while Running', 'row 4: offloaded nodes, not hydrated']) {
      expect(byTitle[row], row).toEqual({ pods: false, tasks: false });
    }
    expect(byTitle['row 5: mixed strategies, not being deleted']).toEqual({ pods: false, tasks: false });
    expect(byTitle['row 7: nested parent of the v3.5.10 bug']).toEqual({ pods: true, tasks: false });
    expect(byTitle['row 13: GC pod Failed on RBAC (example b)']).toEqual({ pods: true, tasks: true });
    expect(evidenceNeeded({ kind: 'Pod' })).toEqual({ pods: false, tasks: false });
  });
});
