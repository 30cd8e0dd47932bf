import { describe, expect, it } from 'vitest';
import {
  type ApprovalAction,
  approvalEventId,
  approvalGate,
  type ApprovalGateInput,
  approversRequired,
  type ButtonClaim,
  offeredActions,
  pendingDigest,
} from '../../../src/domain/approval.js';
import type { PendingArtifact } from '../../../src/domain/assessment.js';

// The approval rules by example (invariant 11; the property is approval-gate.property.test.ts): which refusal
// code a human sees, the two-person rule, the expiry's boundary, and what the pending digest tells apart.
const EXP = 1_800_000_000;
const UID = '00000000-0000-4000-8000-000000000001';
const ALL: ApprovalAction[] = ['rearm', 'complete', 'remove', 'snooze', 'deny'];
const a1: PendingArtifact = { node: 'n1', name: 'report', strategy: 'OnWorkflowDeletion', location: 's3://b/k1' };
const a2: PendingArtifact = { node: 'n1', name: 'main-logs', strategy: 'OnWorkflowDeletion', location: 's3://b/k2' };
const a3: PendingArtifact = { node: 'n2', name: 'model', strategy: 'OnWorkflowCompletion' };
const at = (secondsFromExpiry: number) => new Date((EXP + secondsFromExpiry) * 1000).toISOString();

function input(over: Partial<ApprovalGateInput> & { act?: ApprovalAction } = {}): ApprovalGateInput {
  const { act = 'remove', ...rest } = over;
  const claim: ButtonClaim = { v: 1, c: 'prod', ns: 'data', n: 'wf', uid: UID, cause: 'gc-failed', pend: pendingDigest([a1, a2]), pc: 2, act, exp: EXP, d: 'd'.repeat(32) };
  return {
    claim,
    signatureValid: true,
    approvers: [{ id: 'U0A', at: at(-60) }],
    allowedUsers: new Set(['U0A', 'U0B']),
    twoPersonRules: [],
    live: { uid: UID, verdict: 'notify', cause: 'gc-failed', pendingArtifacts: [a1, a2], evidence: { pods: [{ phase: 'Failed' }] } },
    policy: { allowed: new Set(ALL), finishing: { rearm: true, complete: true } },
    alreadyActed: false,
    ...rest,
  };
}

describe('approvalGate by example', () => {
  it('acts on the state it was shown for, with an approval made up to the expiry second itself', () => {
    expect(approvalGate(input())).toEqual({ act: true });
    expect(approvalGate(input({ approvers: [{ id: 'U0A', at: at(0) }] }))).toEqual({ act: true });
    expect(approvalGate(input({ approvers: [{ id: 'U0A', at: at(1) }] }))).toEqual({
      act: false,
      code: 'expired',
      reason: `the button expired at ${new Date(EXP * 1000).toISOString()}`,
    });
  });

  it('waits for a second, distinct approver before a removal that orphans artifacts, where the rule is on', () => {
    const rules = ['remove-with-orphans'] as const;
    const once = { act: false, code: 'awaiting-second-approver', reason: '1 of 2 distinct approvers so far' };
    expect(approvalGate(input({ twoPersonRules: rules }))).toEqual(once);
    expect(approvalGate(input({ twoPersonRules: rules, approvers: [{ id: 'U0A', at: at(-60) }, { id: 'U0A', at: at(-30) }] }))).toEqual(once);
    expect(approvalGate(input({ twoPersonRules: rules, approvers: [{ id: 'U0A', at: at(-60) }, { id: 'U0B', at: at(-30) }] }))).toEqual({ act: true });
    expect(approvalGate(input({ twoPersonRules: rules, act: 'rearm' }))).toEqual({ act: true });
  });

  it('says the Workflow is gone when it cannot be found under any uid', () => {
    const gone = { act: false, code: 'gone', reason: 'the Workflow is gone' };
    expect(approvalGate(input({ live: undefined }))).toEqual(gone);
    expect(approvalGate(input({ live: { ...input().live!, uid: undefined } }))).toEqual(gone);
  });

  it('says the Workflow changed when its verdict is no longer notify, even with the same cause', () => {
    expect(approvalGate(input({ live: { ...input().live!, verdict: 'wait' } }))).toEqual({
      act: false,
      code: 'changed',
      reason: 'the Workflow changed since the message (now: gc-failed)',
    });
  });
});

describe('approversRequired', () => {
  it('is two only for a removal that leaves artifacts behind, and only where the two-person rule is on', () => {
    const rules = ['remove-with-orphans'] as const;
    expect(approversRequired('remove', 2, rules)).toBe(2);
    expect(approversRequired('remove', 0, rules)).toBe(1);
    expect(approversRequired('rearm', 2, rules)).toBe(1);
    expect(approversRequired('complete', 2, rules)).toBe(1);
    expect(approversRequired('remove', 2, [])).toBe(1);
  });
});

describe('offeredActions', () => {
  const state = { verdict: 'notify', cause: 'gc-failed', pendingArtifacts: [a1], evidence: { pods: [] as { phase: string }[] } };
  const policy = { allowed: new Set(ALL), finishing: { rearm: true, complete: true } };

  it('offers buttons only on a notify', () => {
    expect(offeredActions(state, policy)).toEqual(['rearm', 'complete', 'remove', 'snooze', 'deny']);
    for (const verdict of ['remove', 'wait', 'ignore']) expect(offeredActions({ ...state, verdict }, policy), verdict).toEqual([]);
  });

  it('offers no re-arm while any GC pod is Pending or Running, whatever the others did', () => {
    for (const phases of [['Pending'], ['Running'], ['Succeeded', 'Running'], ['Pending', 'Failed']]) {
      const pods = phases.map((phase) => ({ phase }));
      expect(offeredActions({ ...state, evidence: { pods } }, policy), phases.join()).toEqual(['complete', 'remove', 'snooze', 'deny']);
    }
    expect(offeredActions({ ...state, evidence: { pods: [{ phase: 'Succeeded' }, { phase: 'Failed' }] } }, policy)[0]).toBe('rearm');
  });
});

describe('pendingDigest: the state a human saw, comparable with the live one', () => {
  it('is the same for the same artifacts in any order', () => {
    const d = pendingDigest([a1, a2, a3]);
    expect(d).toMatch(/^[0-9a-f]{32}$/);
    for (const order of [[a1, a3, a2], [a2, a1, a3], [a2, a3, a1], [a3, a1, a2], [a3, a2, a1]]) expect(pendingDigest(order)).toBe(d);
  });

  it('is pinned: a button shown before a deploy still matches the same state after it', () => {
    expect(pendingDigest([a1, a2, a3])).toBe('44ee18da87396866d94adb562d3a80ab');
  });

  it('changes when an artifact is added, removed, renamed or moved', () => {
    const d = pendingDigest([a1, a2]);
    expect(pendingDigest([a1, a2, a3])).not.toBe(d);
    expect(pendingDigest([a1])).not.toBe(d);
    expect(pendingDigest([a1, { ...a2, name: 'other' }])).not.toBe(d);
    expect(pendingDigest([a1, { ...a2, location: 's3://b/k3' }])).not.toBe(d);
    expect(pendingDigest([a1, { ...a2, strategy: 'OnWorkflowCompletion' }])).not.toBe(d);
  });
});

describe('approvalEventId', () => {
  it('is deterministic, 32 hex digits, and tells its parts apart (an absent part reads as empty)', () => {
    const id = approvalEventId('queue-refused', 'value-1');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(approvalEventId('queue-refused', 'value-1')).toBe(id);
    expect(approvalEventId('queue-refused', 'value-2')).not.toBe(id);
    expect(approvalEventId('queue-refusedvalue-1')).not.toBe(id);
    expect(approvalEventId('a', undefined, 'b')).toBe(approvalEventId('a', '', 'b'));
  });
});
