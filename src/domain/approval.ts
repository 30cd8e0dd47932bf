import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { PendingArtifact } from './assessment.js';
import { REARM_CAUSES } from './rearm.js';

/**
 * Approvals from Slack (src/interact/README.md; an approval acts only on the state it was shown for, at most
 * once, before it expires, and only for an allow-listed user): which buttons a notify offers, what a signed button
 * claims, and the gate an approval must pass before anything is done. Pure: the caller brings the clock, the live
 * assessment and the approvals it read.
 */

export const ApprovalAction = z.enum(['rearm', 'complete', 'remove', 'snooze', 'deny']);
export type ApprovalAction = z.infer<typeof ApprovalAction>;

/** The actions that write to the cluster or a bucket; snooze and deny only silence the episode. */
export const DESTRUCTIVE_ACTIONS: ReadonlySet<ApprovalAction> = new Set(['rearm', 'complete', 'remove']);

/** What Slack shows on each button. */
export const ACTION_LABELS: Record<ApprovalAction, string> = {
  rearm: 'Retry GC',
  complete: 'Complete from AWS',
  remove: 'Remove finalizer',
  snooze: 'Snooze 24h',
  deny: 'Deny',
};

/** Nobody can know what is pending, so nothing may be done but silencing it. */
const NEVER_ACTED_ON: ReadonlySet<string> = new Set(['nodes-unavailable']);

/** The part of an assessment (or decision) the button rules read. */
export interface ApprovableState {
  verdict: string;
  cause: string;
  pendingArtifacts: readonly PendingArtifact[];
  evidence: { pods: ReadonlyArray<{ phase: string }> };
}

export interface OfferPolicy {
  /** What the Slack app's configuration lets a click do (`slack.app.actions`). */
  allowed: ReadonlySet<ApprovalAction>;
  /**
   * What the finishing policy and plan say an approved re-arm or completion would do for this Workflow
   * (src/approvals/offer.ts): true only when the action is eligible, not `off`, and would write, not only report.
   */
  finishing?: { rearm?: boolean; complete?: boolean };
}

/**
 * The buttons a Workflow's notify offers, in the order Slack shows them. Only for a `notify` verdict; snooze and
 * deny for any of them; never an action for `nodes-unavailable`; a re-arm never while a GC pod is Pending or
 * Running (it would race the controller); re-arm and complete only where the finishing policy lets them act.
 */
export function offeredActions(state: ApprovableState, policy: OfferPolicy): ApprovalAction[] {
  if (state.verdict !== 'notify') return [];
  const out: ApprovalAction[] = [];
  const acting = !NEVER_ACTED_ON.has(state.cause);
  const gcActive = state.evidence.pods.some((p) => p.phase === 'Pending' || p.phase === 'Running');
  if (acting && policy.finishing?.rearm === true && REARM_CAUSES.has(state.cause) && !gcActive) out.push('rearm');
  if (acting && policy.finishing?.complete === true && state.pendingArtifacts.length > 0) out.push('complete');
  if (acting) out.push('remove');
  out.push('snooze', 'deny');
  return out.filter((a) => policy.allowed.has(a));
}

/**
 * sha256 over the pending artifacts in a fixed order, so the state a human saw can be compared with the live one:
 * an artifact added, deleted or moved changes it. Computed on the full list, before any trimming for Slack.
 */
export function pendingDigest(artifacts: readonly PendingArtifact[]): string {
  const rows = artifacts.map((a) => [a.node, a.name, a.strategy, a.location ?? ''] as const);
  rows.sort((x, y) => (x.join('\u0000') < y.join('\u0000') ? -1 : x.join('\u0000') > y.join('\u0000') ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 32);
}

/** A removal that leaves artifacts in storage: the one a second approver may be required for. */
export function orphansArtifacts(action: ApprovalAction, pendingCount: number): boolean {
  return action === 'remove' && pendingCount > 0;
}

export const TwoPersonRule = z.enum(['remove-with-orphans']);
export type TwoPersonRule = z.infer<typeof TwoPersonRule>;

/** How many distinct approvers an action on this state needs. */
export function approversRequired(action: ApprovalAction, pendingCount: number, rules: readonly TwoPersonRule[]): number {
  return rules.includes('remove-with-orphans') && orphansArtifacts(action, pendingCount) ? 2 : 1;
}

/**
 * What a signed button value says (src/interact/README.md): the Workflow, the state it was shown for, the action and an
 * expiry. Short keys: the value must stay well under Slack's 2,000 characters. It holds nothing secret.
 */
export const ButtonClaim = z.strictObject({
  v: z.literal(1),
  /** cluster */
  c: z.string().min(1).max(100),
  ns: z.string().min(1).max(253),
  n: z.string().min(1).max(253),
  uid: z.string().min(1).max(64),
  cause: z.string().min(1).max(64),
  /** pendingDigest of the state shown */
  pend: z.string().regex(/^[0-9a-f]{32}$/),
  /** how many artifacts were pending (the confirm dialog named them) */
  pc: z.number().int().min(0),
  act: ApprovalAction,
  /** expiry, epoch seconds */
  exp: z.number().int().positive(),
  /** the decision the message was built from */
  d: z.string().min(1).max(64),
});
export type ButtonClaim = z.infer<typeof ButtonClaim>;

/** A Slack user as the click named them; the id is what is authorised, the name only displayed and audited. */
export const Approver = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().max(200).optional(),
  teamId: z.string().max(64).optional(),
  at: z.iso.datetime({ offset: true }),
});
export type Approver = z.infer<typeof Approver>;

/** The live state an approval is judged against, as evaluate re-read and re-assessed it. */
export interface LiveState extends ApprovableState {
  /** undefined: the Workflow is gone (deleted, or recreated under another uid and not found under this one). */
  uid: string | undefined;
}

export interface ApprovalGateInput {
  claim: ButtonClaim;
  /** The signature over the button value checked out with a current key. */
  signatureValid: boolean;
  /** The distinct approvals stored for (decision, action), each by a user the click came from. */
  approvers: readonly Approver[];
  /** The configuration's allow-list of Slack user ids. */
  allowedUsers: ReadonlySet<string>;
  twoPersonRules: readonly TwoPersonRule[];
  /** The live Workflow, or undefined when it could not be found. */
  live: LiveState | undefined;
  policy: OfferPolicy;
  /** Whether this (decision, action) was already acted on (its outcome is stored). */
  alreadyActed: boolean;
}

export type GateResult =
  | { act: true }
  | { act: false; code: 'invalid-signature' | 'expired' | 'unauthorised' | 'awaiting-second-approver' | 'already-done' | 'gone' | 'changed' | 'not-allowed'; reason: string };

/**
 * Invariant 11 as one function: an approval acts only on the state it was shown for, at most once, before it
 * expires, and only for allow-listed users. Every condition is checked; the first that fails is the answer.
 * Expiry is judged at the moment of each click, not when the queue is drained.
 */
export function approvalGate(i: ApprovalGateInput): GateResult {
  const c = i.claim;
  if (!i.signatureValid) return { act: false, code: 'invalid-signature', reason: 'the button value is not signed by this remediator' };
  if (i.alreadyActed) return { act: false, code: 'already-done', reason: `this ${ACTION_LABELS[c.act]} was already handled` };
  const ids = new Set<string>();
  for (const a of i.approvers) {
    if (!i.allowedUsers.has(a.id)) return { act: false, code: 'unauthorised', reason: `Slack user ${a.id} is not an approver` };
    if (Date.parse(a.at) > c.exp * 1000) return { act: false, code: 'expired', reason: `the button expired at ${new Date(c.exp * 1000).toISOString()}` };
    ids.add(a.id);
  }
  const required = approversRequired(c.act, c.pc, i.twoPersonRules);
  if (ids.size < required) {
    return { act: false, code: 'awaiting-second-approver', reason: `${ids.size} of ${required} distinct approvers so far` };
  }
  const live = i.live;
  if (!live || live.uid === undefined) return { act: false, code: 'gone', reason: 'the Workflow is gone' };
  if (live.uid !== c.uid) return { act: false, code: 'changed', reason: `the Workflow was recreated (uid now ${live.uid})` };
  if (live.cause !== c.cause || live.verdict !== 'notify') {
    return { act: false, code: 'changed', reason: `the Workflow changed since the message (now: ${live.cause})` };
  }
  if (pendingDigest(live.pendingArtifacts) !== c.pend) {
    return { act: false, code: 'changed', reason: `the Workflow changed since the message (pending artifacts now ${live.pendingArtifacts.length})` };
  }
  if (!offeredActions(live, i.policy).includes(c.act)) {
    return { act: false, code: 'not-allowed', reason: `${ACTION_LABELS[c.act]} is not allowed for ${live.cause} by the current policy` };
  }
  return { act: true };
}

/**
 * What happened to one click or one approval, for the audit log: a refusal at the function URL, an approval
 * recorded, and (in evaluate) what was done or why not. Never holds the raw request, a response_url or a token.
 */
export const ApprovalEvent = z.strictObject({
  /** Deterministic: the same request (or the same approval outcome) redelivered lands on the same record. */
  id: z.string().regex(/^[0-9a-f]{32}$/),
  outcome: z.enum(['refused', 'recorded', 'acted', 'not-done', 'denied', 'snoozed']),
  /** A refusal or gate code (`bad-signature`, `changed`...), or `ok`. */
  code: z.string().min(1).max(64),
  reason: z.string().min(1).max(2000),
  httpStatus: z.number().int().optional(),
  cluster: z.string().max(100).optional(),
  claim: ButtonClaim.optional(),
  /** The Slack user(s) as the click named them: the approvers, or who was refused. */
  users: z.array(z.strictObject({ id: z.string().max(64), name: z.string().max(200).optional() })).max(10),
  teamId: z.string().max(64).optional(),
  appId: z.string().max(64).optional(),
  /** sha256 hex of the raw request body, when the event is about one request. */
  requestDigest: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** The decision that carried out a destructive approval. */
  resultDecisionId: z.string().max(64).optional(),
  at: z.iso.datetime({ offset: true }),
});
export type ApprovalEvent = z.infer<typeof ApprovalEvent>;

export function approvalEventId(...parts: ReadonlyArray<string | undefined>): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 32);
}
