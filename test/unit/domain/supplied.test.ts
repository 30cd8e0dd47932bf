import { describe, expect, it } from 'vitest';
import type { Assessment } from '../../../src/domain/assessment.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import { qualifyBySupplied } from '../../../src/domain/supplied.js';
import { decisionTableCases, NOW } from '../../fixtures/workflows.js';

// `kubectl get wf -o yaml` holds neither GC pods nor tasks: an assessment of such a file must say so instead of
// reading as if none exist (src/cli/assess.ts). The verdict is kept.
const assessed = (cause: string): Assessment => {
  const c = decisionTableCases().find((x) => x.expect.cause === cause)!;
  return assessRaw(c.snapshot, { now: c.now ?? NOW, quietPeriodMs: 1_800_000 });
};

describe('qualifyBySupplied', () => {
  const neverRan = () => ({
    ...assessed('gc-never-ran'),
    reasons: ['phase Succeeded', 'strategy OnWorkflowDeletion marked processed, but no GC pod or task exists for it', 'no GC pod exists', 'no GC task exists'],
  });

  it('leaves an assessment alone when the input held both GC pods and tasks', () => {
    const a = neverRan();
    expect(qualifyBySupplied(a, { pods: true, tasks: true })).toEqual(a);
  });

  it('says which evidence was missing, that the cause was not checked against it, and keeps the verdict', () => {
    const a = neverRan();
    const q = qualifyBySupplied(a, { pods: false, tasks: false });
    expect({ verdict: q.verdict, cause: q.cause }).toEqual({ verdict: a.verdict, cause: 'gc-never-ran' });
    expect(q.reasons).toEqual([
      'phase Succeeded',
      'strategy OnWorkflowDeletion marked processed, but no GC pod or task was supplied for it',
      'no GC pod was supplied',
      'no GC task was supplied',
      "not supplied: GC pods and WorkflowArtifactGCTasks (the input holds none); 'gc-never-ran' could not be checked against them: " +
        'give kubectl get wf,pods,wfat -o json for a conclusion',
    ]);
    expect(a.reasons).toHaveLength(4);
  });

  it('names only the kind that was missing', () => {
    expect(qualifyBySupplied(neverRan(), { pods: true, tasks: false }).reasons.at(-1)).toMatch(/^not supplied: WorkflowArtifactGCTasks \(/);
    expect(qualifyBySupplied(neverRan(), { pods: false, tasks: true }).reasons.at(-1)).toMatch(/^not supplied: GC pods \(/);
  });

  it('changes nothing for the causes the Workflow alone decides (rows 1-5)', () => {
    for (const cause of ['no-finalizer', 'opted-out', 'workflow-not-finished', 'nodes-unavailable', 'awaiting-deletion']) {
      const a = assessed(cause);
      expect(a.cause).toBe(cause);
      expect(qualifyBySupplied(a, { pods: false, tasks: false }), cause).toEqual(a);
    }
  });

  it('qualifies every cause past them', () => {
    for (const cause of ['no-pending-artifacts', 'gc-failed', 'quiet-period']) {
      expect(qualifyBySupplied(assessed(cause), { pods: false, tasks: true }).reasons.at(-1), cause).toContain(`'${cause}' could not be checked`);
    }
  });
});
