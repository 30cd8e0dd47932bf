// Safety invariant 11 under random input: an approval acts only on the state it was shown for, at most once,
// before it expires, and only for allow-listed users. The conditions are restated here, independently of
// approvalGate, and checked in both directions: it acts exactly when every one of them holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApprovalAction, approvalGate, type ButtonClaim, pendingDigest, type TwoPersonRule } from '../../../src/domain/approval.js';
import type { PendingArtifact } from '../../../src/domain/assessment.js';

const CAUSES = ['gc-failed', 'gc-never-ran', 'gc-pod-missing', 'gc-pod-stuck', 'nodes-unavailable', 'controller-not-reconciling', 'gc-running', 'no-pending-artifacts'];
const ACTIONS: ApprovalAction[] = ['rearm', 'complete', 'remove', 'snooze', 'deny'];
const USERS = ['U0A', 'U0B', 'U0C', 'U0D'];
const EXP = 1_800_000_000;
const UID = '00000000-0000-4000-8000-000000000001';

const artifact = fc.record({
  node: fc.constantFrom('n1', 'n2'),
  name: fc.constantFrom('report', 'main-logs', 'model'),
  strategy: fc.constantFrom('OnWorkflowCompletion' as const, 'OnWorkflowDeletion' as const),
  location: fc.option(fc.constantFrom('s3://b/k1', 's3://b/k2'), { nil: undefined }),
});
const mostly = (v: boolean) => fc.oneof({ weight: 5, arbitrary: fc.constant(v) }, fc.constant(!v));
const pods = fc.array(fc.record({ phase: fc.constantFrom('Pending', 'Running', 'Succeeded', 'Failed') }), { maxLength: 2 });

const scenario = fc
  .record({
    act: fc.constantFrom(...ACTIONS),
    cause: fc.constantFrom(...CAUSES),
    shown: fc.array(artifact, { maxLength: 3 }),
    // Mostly the condition holds, so that the deeper ones (two approvers, live state, policy) are reached often.
    signatureValid: mostly(true),
    alreadyActed: mostly(false),
    // Seconds from the expiry: before it, exactly at it (still in time), after it.
    approvers: fc.array(fc.record({ id: fc.constantFrom(...USERS), late: fc.constantFrom(-60, -60, 0, 60) }), { minLength: 1, maxLength: 3 }),
    allowedUsers: fc.oneof({ weight: 3, arbitrary: fc.constant(USERS) }, fc.subarray(USERS)),
    rules: fc.subarray<TwoPersonRule>(['remove-with-orphans']),
    allowed: fc.oneof({ weight: 3, arbitrary: fc.constant(ACTIONS) }, fc.subarray(ACTIONS)),
    // What the finishing policy says an approved re-arm / completion would do (src/approvals/offer.ts).
    finRearm: fc.boolean(),
    finComplete: fc.boolean(),
    // The live state: mostly the one shown, sometimes changed in one respect, sometimes gone.
    live: fc.oneof(
      { weight: 5, arbitrary: fc.constant('same' as const) },
      fc.constant('gone' as const),
      fc.constant('recreated' as const),
      fc.record({ cause: fc.constantFrom(...CAUSES) }),
      fc.record({ verdict: fc.constantFrom('wait', 'remove', 'ignore') }),
      fc.record({ pending: fc.array(artifact, { maxLength: 3 }) }),
    ),
    livePods: pods,
  })
  .map((s) => {
    const claim: ButtonClaim = { v: 1, c: 'prod', ns: 'data', n: 'wf', uid: UID, cause: s.cause, pend: pendingDigest(s.shown), pc: s.shown.length, act: s.act, exp: EXP, d: 'd'.repeat(32) };
    const base = { uid: UID as string | undefined, verdict: 'notify', cause: s.cause, pendingArtifacts: s.shown as PendingArtifact[], evidence: { pods: s.livePods } };
    const live =
      s.live === 'gone' ? undefined
      : s.live === 'same' ? base
      : s.live === 'recreated' ? { ...base, uid: '00000000-0000-4000-8000-000000000999' }
      : 'cause' in s.live ? { ...base, cause: s.live.cause }
      : 'verdict' in s.live ? { ...base, verdict: s.live.verdict }
      : { ...base, pendingArtifacts: s.live.pending as PendingArtifact[] };
    const approvers = s.approvers.map((a) => ({ id: a.id, at: new Date((EXP + a.late) * 1000).toISOString() }));
    return { s, claim, live, approvers };
  });

/** The conditions of invariant 11, written out once more. */
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
function everyConditionHolds({ s, claim, live, approvers }: Scenario): boolean {
  if (!s.signatureValid || s.alreadyActed) return false;
  if (!approvers.every((a) => s.allowedUsers.includes(a.id) && Date.parse(a.at) <= EXP * 1000)) return false;
  const needsTwo = s.rules.includes('remove-with-orphans') && claim.act === 'remove' && claim.pc > 0;
  if (new Set(approvers.map((a) => a.id)).size < (needsTwo ? 2 : 1)) return false;
  if (!live || live.uid !== claim.uid || live.verdict !== 'notify' || live.cause !== claim.cause) return false;
  if (pendingDigest(live.pendingArtifacts) !== claim.pend) return false;
  if (!s.allowed.includes(claim.act)) return false;
  const destructive = claim.act === 'rearm' || claim.act === 'complete' || claim.act === 'remove';
  if (destructive && live.cause === 'nodes-unavailable') return false;
  if (claim.act === 'rearm') {
    if (!s.finRearm) return false;
    if (!['gc-failed', 'gc-never-ran', 'gc-pod-missing'].includes(live.cause)) return false;
    if (live.evidence.pods.some((p) => p.phase === 'Pending' || p.phase === 'Running')) return false;
  }
  if (claim.act === 'complete' && !(s.finComplete && live.pendingArtifacts.length > 0)) return false;
  return true;
}

describe('approvalGate (invariant 11)', () => {
  it('acts exactly when every condition holds', () => {
    let acted = 0;
    fc.assert(
      fc.property(scenario, (x) => {
        const r = approvalGate({
          claim: x.claim,
          signatureValid: x.s.signatureValid,
          approvers: x.approvers,
          allowedUsers: new Set(x.s.allowedUsers),
          twoPersonRules: x.s.rules,
          live: x.live,
          policy: { allowed: new Set(x.s.allowed), finishing: { rearm: x.s.finRearm, complete: x.s.finComplete } },
          alreadyActed: x.s.alreadyActed,
        });
        expect(r.act).toBe(everyConditionHolds(x));
        if (!r.act) expect(r.reason.length).toBeGreaterThan(0);
        if (r.act) acted++;
      }),
      { numRuns: 3000, seed: 20261201 },
    );
    // The generator reaches the acting case often enough for the property to mean something.
    expect(acted).toBeGreaterThan(200);
  });

  it('says what changed, in the words the Slack update uses', () => {
    const claim: ButtonClaim = { v: 1, c: 'prod', ns: 'data', n: 'wf', uid: UID, cause: 'gc-failed', pend: pendingDigest([]), pc: 0, act: 'rearm', exp: EXP, d: 'd'.repeat(32) };
    const r = approvalGate({
      claim,
      signatureValid: true,
      approvers: [{ id: 'U0A', at: new Date((EXP - 5) * 1000).toISOString() }],
      allowedUsers: new Set(['U0A']),
      twoPersonRules: [],
      live: { uid: UID, verdict: 'wait', cause: 'gc-running', pendingArtifacts: [], evidence: { pods: [{ phase: 'Running' }] } },
      policy: { allowed: new Set(ACTIONS) },
      alreadyActed: false,
    });
    expect(r).toEqual({ act: false, code: 'changed', reason: 'the Workflow changed since the message (now: gc-running)' });
  });
});
