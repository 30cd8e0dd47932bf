import * as z from 'zod';
import { pathSegment } from '../audit/key.js';
import { ApprovalAction, Approver, ButtonClaim } from '../domain/approval.js';

/**
 * Approvals as write-once objects (src/interact/README.md): one per (decision, action, user), so a replayed or redelivered
 * click finds its own object and changes nothing, and a second approver is a second object. Evaluate writes one
 * outcome per (decision, action): the at-most-once of the action itself. Neither holds a response_url or a token.
 */
export const StoredApproval = z.strictObject({
  schemaVersion: z.literal(1),
  claim: ButtonClaim,
  approver: Approver,
  /** sha256 hex of the raw click request: ties the approval to its audit record. */
  requestDigest: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StoredApproval = z.infer<typeof StoredApproval>;

export const ApprovalOutcome = z.strictObject({
  schemaVersion: z.literal(1),
  claim: ButtonClaim,
  outcome: z.enum(['acted', 'not-done', 'denied', 'snoozed']),
  reason: z.string().max(2000),
  approvers: z.array(Approver),
  at: z.iso.datetime({ offset: true }),
});
export type ApprovalOutcome = z.infer<typeof ApprovalOutcome>;

export interface ApprovalStore {
  /** 'duplicate' when this user's approval of this (decision, action) is already stored. */
  put(approval: StoredApproval): Promise<'written' | 'duplicate'>;
  /** Every stored approval of the claim's (decision, action), one per user. */
  list(claim: ButtonClaim): Promise<StoredApproval[]>;
  /** Claims the (decision, action) for its outcome: 'duplicate' means it was already handled. */
  putOutcome(outcome: ApprovalOutcome): Promise<'written' | 'duplicate'>;
  getOutcome(claim: ButtonClaim): Promise<ApprovalOutcome | undefined>;
}

/** `approvals/cluster=<c>/<ns>/<name>/<uid>/<decisionId>/<action>/`: everything about one button of one message. */
export function approvalPrefix(c: Pick<ButtonClaim, 'c' | 'ns' | 'n' | 'uid' | 'd' | 'act'>): string {
  return `approvals/cluster=${pathSegment(c.c)}/${pathSegment(c.ns)}/${pathSegment(c.n)}/${pathSegment(c.uid)}/${pathSegment(c.d)}/${pathSegment(ApprovalAction.parse(c.act))}/`;
}

export function approvalKey(a: StoredApproval): string {
  return `${approvalPrefix(a.claim)}by/${pathSegment(a.approver.id)}.json`;
}

export function outcomeKey(c: ButtonClaim): string {
  return `${approvalPrefix(c)}outcome.json`;
}
