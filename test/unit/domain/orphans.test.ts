// What a removal leaves in storage with nothing in Argo to delete it: the list the evidence bundle, Slack's
// "orphans N" and the two-approver rule read. Decided on the decision table's own removals.
import { describe, expect, it } from 'vitest';
import { orphanedByRemoval } from '../../../src/domain/orphans.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import { decisionTableCases, NOW, QUIET_MS } from '../../fixtures/workflows.js';

const assessed = (title: string) => {
  const c = decisionTableCases().find((x) => x.title === title)!;
  return assessRaw(c.snapshot, { now: c.now ?? NOW, quietPeriodMs: QUIET_MS });
};
const names = (list: { name: string }[]) => list.map((p) => p.name);

describe('orphanedByRemoval', () => {
  it('a forced removal orphans every pending artifact that was uploaded', () => {
    const a = assessed('row 10: forceFinalizerRemoval, no GC pods');
    expect(a.cause).toBe('force-removal-declared');
    expect(names(orphanedByRemoval(a))).toEqual(['report', 'main-logs']);
  });

  it('an artifact never uploaded is no orphan: nothing of it exists (argo #13161)', () => {
    const a = assessed('row 11: one never uploaded, the other verified absent');
    expect(a.pendingArtifacts.map((p) => [p.name, p.neverUploaded ?? false])).toEqual([['report', true], ['main-logs', false]]);
    // Row 11 itself orphans nothing: the uploaded one was looked for in its bucket and is not there.
    expect(orphanedByRemoval(a)).toEqual([]);
    // The same artifacts under force: only the uploaded one.
    expect(names(orphanedByRemoval({ ...a, cause: 'force-removal-declared' }))).toEqual(['main-logs']);
  });

  it('nothing is orphaned when the GC task itself reports every artifact deleted (row 9), whatever is still pending', () => {
    const a = assessed('row 9: unrecouped GC pod whose task succeeded');
    expect([a.cause, a.pendingArtifacts.length]).toEqual(['gc-succeeded-unrecouped', 2]);
    expect(orphanedByRemoval(a)).toEqual([]);
  });
});
