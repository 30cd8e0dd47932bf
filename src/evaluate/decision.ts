import type { Assessment } from '../domain/assessment.js';
import { type Decision, decisionId, DECISION_DETAIL_TYPE, DECISION_SOURCE, type Mode } from '../domain/decision.js';
import type { WorkflowSignal } from '../signals/signal.js';
import type { BusEntry } from '../bus/entry.js';
import type { ReconcileResult } from '../remediation/reconcile.js';

/** Decisions far above this are trimmed so they always fit one EventBridge entry (256 KiB). */
const MAX_LISTED_ARTIFACTS = 200;
const MAX_REASONS = 40;

/** The decision event for one reconciled Workflow (DESIGN.md 4.4). */
export function toDecision(
  result: ReconcileResult & { assessment: Assessment },
  ctx: { cluster: string; mode: Mode; signal: WorkflowSignal | undefined; at: Date; outcome?: string },
): Decision {
  const a = fit(result.assessment);
  return {
    ...a,
    cluster: ctx.cluster,
    decisionId: decisionId({ cluster: ctx.cluster, uid: a.workflow.uid, resourceVersion: a.resourceVersion, verdict: a.verdict, cause: a.cause }),
    mode: ctx.mode,
    action: result.action,
    outcome: ctx.outcome ?? result.outcome,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    at: ctx.at.toISOString(),
    ...(result.snapshotDigest ? { snapshotDigest: result.snapshotDigest } : {}),
    ...(result.apiStatus !== undefined ? { apiStatus: result.apiStatus } : {}),
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

/** Keeps the event small; the full lists stay derivable from the audited snapshot digest. */
function fit(a: Assessment): Assessment {
  if (a.pendingArtifacts.length <= MAX_LISTED_ARTIFACTS && a.reasons.length <= MAX_REASONS) return a;
  const hidden = a.pendingArtifacts.length - MAX_LISTED_ARTIFACTS;
  return {
    ...a,
    pendingArtifacts: a.pendingArtifacts.slice(0, MAX_LISTED_ARTIFACTS),
    reasons: [
      ...a.reasons.slice(0, MAX_REASONS),
      ...(hidden > 0 ? [`${hidden} more pending artifacts not listed (${a.pendingArtifacts.length} in all)`] : []),
    ],
  };
}
