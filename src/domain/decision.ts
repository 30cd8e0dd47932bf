import { createHash } from 'node:crypto';
import * as z from 'zod';
import { Assessment } from './assessment.js';
import { WorkflowSignal } from '../signals/signal.js';

export const DECISION_SOURCE = 'argo-finalizer-remediator';
export const DECISION_DETAIL_TYPE = 'Remediation Decision';
export const SIGNAL_REJECTED_DETAIL_TYPE = 'Signal Rejected';
export const SYSTEMIC_ALERT_DETAIL_TYPE = 'Systemic Alert';

import { Mode } from './mode.js';

export { Mode };

export const Action = z.enum(['removed', 'would-remove', 'notified', 'none']);
export type Action = z.infer<typeof Action>;

const ObjectRecord = z.object({ bucket: z.string(), key: z.string(), size: z.number(), etag: z.string().optional(), deleteMarkerVersionId: z.string().optional() });

/** What a finishing action (README "Finishing GC") did on the way to this decision: every action and its result. */
export const FinishingReport = z.object({
  action: z.enum(['verify', 'rearm', 'complete']),
  outcome: z.string(),
  applied: z.boolean(),
  reasons: z.array(z.string()),
  /** What the bucket held, per pending artifact (absent, present, unknown, never-uploaded, not-allowed, location-mismatch). */
  checks: z.array(z.object({ node: z.string(), name: z.string(), result: z.string(), bucket: z.string().optional(), key: z.string().optional() })).optional(),
  /** Objects deleted (keys, sizes, ETags, delete-marker versions), at most 200 listed; the counts are whole. */
  deleted: z.array(ObjectRecord).optional(),
  wouldDelete: z.array(ObjectRecord).optional(),
  deletedCount: z.number().int().optional(),
  deletedBytes: z.number().int().optional(),
  rearm: z.object({ attempt: z.number().int(), strategies: z.array(z.string()), tasksDeleted: z.array(z.string()) }).optional(),
  apiStatus: z.number().int().optional(),
  intentKey: z.string().optional(),
  evidenceKey: z.string().optional(),
});
export type FinishingReport = z.infer<typeof FinishingReport>;

/** `detail` of a "Remediation Decision" event (README, "Audit log": `decision` in each record). */
export const Decision = Assessment.extend({
  cluster: z.string(),
  decisionId: z.string(),
  mode: Mode,
  action: Action,
  /** What happened when acting: "patched", "already-gone", "changed-reassessed", "dry-run", "policy: ..." */
  outcome: z.string(),
  signal: WorkflowSignal.optional(),
  at: z.string(),
  /** sha256 of the canonical JSON of the Workflow snapshot the decision was made on. */
  snapshotDigest: z.string().optional(),
  /**
   * pendingDigest (domain/approval.ts) of every pending artifact, computed before the list is trimmed to fit the
   * event: what a Slack button binds its approval to.
   */
  pendingDigest: z.string().optional(),
  /** The Slack users who approved the action (README "Approvals from Slack"), as Slack named them. */
  approvedBy: z.array(z.object({ id: z.string(), name: z.string().optional(), at: z.string() })).optional(),
  /** HTTP status of the patch, when one was sent. */
  apiStatus: z.number().int().optional(),
  /** The evidence bundle written before the act (README "Evidence bundle and intent record"): its key prefix and the sha256 of its manifest. */
  evidenceKey: z.string().optional(),
  evidenceSha256: z.string().optional(),
  /** The intent record written before the act (README "Audit log"). */
  intentKey: z.string().optional(),
  finishing: FinishingReport.optional(),
});
export type Decision = z.infer<typeof Decision>;

/**
 * Deterministic so that SQS redeliveries, EventBridge retries and overlapping sweeps collapse to one id
 * (and one audit object). The mode and action are part of it: a deferred or dry-run decision and the removal
 * that follows on the same object state are different decisions, and the write-once audit log must keep both.
 */
export function decisionId(parts: {
  cluster: string;
  uid: string | undefined;
  resourceVersion: string | undefined;
  verdict: string;
  cause: string;
  mode?: string;
  action?: string;
}): string {
  const h = createHash('sha256');
  h.update([parts.cluster, parts.uid ?? '', parts.resourceVersion ?? '', parts.verdict, parts.cause, parts.mode ?? '', parts.action ?? ''].join('\u0000'));
  return h.digest('hex').slice(0, 32);
}
