import { pendingDigest } from '../domain/approval.js';
import type { Assessment } from '../domain/assessment.js';
import { type Decision, decisionId, DECISION_DETAIL_TYPE, DECISION_SOURCE, type Mode } from '../domain/decision.js';
import type { WorkflowSignal } from '../signals/signal.js';
import type { BusEntry } from '../bus/entry.js';
import { redact } from '../observability/redact.js';
import type { ReconcileResult } from '../remediation/reconcile.js';

/** Decisions far above this are trimmed so they always fit one EventBridge entry and one SQS message (256 KiB). */
const MAX_LISTED_ARTIFACTS = 200;
const MAX_REASONS = 40;
const MAX_EVIDENCE_ITEMS = 50;
/** Room left in a 256 KiB entry for the decision's own fields, the signal and the envelope. */
const DETAIL_BUDGET_BYTES = 192 * 1024;

/** The decision event for one reconciled Workflow (README, "Audit log": the decision inside each record). */
export function toDecision(
  result: ReconcileResult & { assessment: Assessment },
  ctx: { cluster: string; mode: Mode; signal: WorkflowSignal | undefined; at: Date; outcome?: string },
): Decision {
  // Redacted here, once: the event, the parked SQS copy, the audit record and Slack all start from it.
  const a = redact(fit(result.assessment));
  return {
    ...a,
    cluster: ctx.cluster,
    decisionId: decisionId({ cluster: ctx.cluster, uid: a.workflow.uid, resourceVersion: a.resourceVersion, verdict: a.verdict, cause: a.cause, mode: ctx.mode, action: result.action }),
    mode: ctx.mode,
    action: result.action,
    outcome: ctx.outcome ?? result.outcome,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    at: ctx.at.toISOString(),
    ...(result.snapshotDigest ? { snapshotDigest: result.snapshotDigest } : {}),
    ...(result.apiStatus !== undefined ? { apiStatus: result.apiStatus } : {}),
    ...(result.evidence ? { evidenceKey: result.evidence.evidenceKey, evidenceSha256: result.evidence.evidenceSha256, intentKey: result.evidence.intentKey } : {}),
    pendingDigest: pendingDigest(result.assessment.pendingArtifacts),
  };
}

export function decisionEntry(decision: Decision): BusEntry {
  return {
    source: DECISION_SOURCE,
    detailType: DECISION_DETAIL_TYPE,
    detail: decision,
    resources: [`workflow/${decision.cluster}/${decision.workflow.namespace}/${decision.workflow.name}`],
  };
}

/**
 * Keeps the event small: long lists are cut, with a reason saying how much was left out. Each artifact carries
 * its key twice (display URL and storage) and keys run to 1 KiB, so the artifact list is also halved until the
 * whole assessment is within DETAIL_BUDGET_BYTES.
 */
function fit(a: Assessment): Assessment {
  let fitted = fitCounts(a, MAX_LISTED_ARTIFACTS);
  for (let listed = MAX_LISTED_ARTIFACTS; listed > 1 && Buffer.byteLength(JSON.stringify(fitted)) > DETAIL_BUDGET_BYTES; ) {
    listed = Math.floor(listed / 2);
    fitted = fitCounts(a, listed);
  }
  return fitted;
}

function fitCounts(a: Assessment, maxArtifacts: number): Assessment {
  const e = a.evidence;
  const taskErrors = e.tasks.reduce((n, t) => n + t.errors.length, 0);
  const orphans = a.suspectedDirectoryOrphans ?? [];
  const big =
    a.pendingArtifacts.length > maxArtifacts ||
    orphans.length > MAX_EVIDENCE_ITEMS ||
    a.reasons.length > MAX_REASONS ||
    e.pods.length > MAX_EVIDENCE_ITEMS ||
    e.conditions.length > MAX_EVIDENCE_ITEMS ||
    e.tasks.length > MAX_EVIDENCE_ITEMS ||
    taskErrors > MAX_EVIDENCE_ITEMS;
  if (!big) return a;
  const hidden = a.pendingArtifacts.length - maxArtifacts;
  let budget = MAX_EVIDENCE_ITEMS;
  const tasks = e.tasks.slice(0, MAX_EVIDENCE_ITEMS).map((t) => {
    const errors = t.errors.slice(0, Math.max(0, budget));
    budget -= errors.length;
    return { ...t, errors };
  });
  return {
    ...a,
    pendingArtifacts: a.pendingArtifacts.slice(0, maxArtifacts),
    ...(a.suspectedDirectoryOrphans ? { suspectedDirectoryOrphans: orphans.slice(0, MAX_EVIDENCE_ITEMS) } : {}),
    reasons: [
      ...a.reasons.slice(0, MAX_REASONS),
      ...(hidden > 0 ? [`${hidden} more pending artifacts not listed (${a.pendingArtifacts.length} in all)`] : []),
      ...(orphans.length > MAX_EVIDENCE_ITEMS ? [`${orphans.length - MAX_EVIDENCE_ITEMS} more suspected directory orphans not listed (${orphans.length} in all)`] : []),
      ...(taskErrors > MAX_EVIDENCE_ITEMS ? [`${taskErrors - MAX_EVIDENCE_ITEMS} more GC task errors not listed (${taskErrors} in all)`] : []),
    ],
    evidence: { ...e, pods: e.pods.slice(0, MAX_EVIDENCE_ITEMS), conditions: e.conditions.slice(0, MAX_EVIDENCE_ITEMS), tasks },
  };
}
