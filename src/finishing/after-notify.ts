import type { BucketPort } from '../buckets/port.js';
import { finishingPolicyFor } from '../config/finishing-policy.js';
import type { RemediatorConfig } from '../config/schema.js';
import type { Assessment } from '../domain/assessment.js';
import type { Action, FinishingReport } from '../domain/decision.js';
import type { ClusterPort, GcWritePort, WorkflowKey } from '../kube/port.js';
import type { Counter } from '../observability/log.js';
import { planFinishing } from './plan.js';
import { invocationBudget, type DailyLedger, type FinishingBudget, type FinishingEvidence } from './ports.js';
import { FinishingOutcome, runFinishing, type FinishingResult } from './run.js';

/**
 * What the pipeline needs to finish GC beyond what it already has (the cluster port, the evidence sink): the
 * artifact buckets and the daily caps. Without it nothing is ever attempted. `finishingWiringFor` builds it.
 */
export interface FinishingWiring {
  bucket: BucketPort;
  ledger: DailyLedger;
}

const LISTED = 200;

/** One budget per cluster per invocation (invariant 7), created on first use. */
export class FinishingBudgets {
  private readonly byCluster = new Map<string, FinishingBudget>();
  constructor(private readonly config: RemediatorConfig) {}
  for(cluster: string, namespace: string): FinishingBudget {
    let b = this.byCluster.get(cluster);
    if (!b) this.byCluster.set(cluster, (b = invocationBudget(finishingPolicyFor(this.config, cluster, namespace).caps)));
    return b;
  }
}

/**
 * What finishing did, as metrics (the project's Counter: EMF in Lambda, memory in the demo), the same whichever path
 * ran it (auto after a notify, or an approval): GC re-armed, objects and bytes deleted from AWS, and each pending
 * artifact's verify result. Workflow names go in metadata, never in a dimension.
 */
export function countFinishing(metrics: Counter, cluster: string, r: FinishingResult): void {
  const metadata = { namespace: r.workflow.namespace, name: r.workflow.name, ...(r.decisionId ? { decisionId: r.decisionId } : {}) };
  if (r.action === 'rearm' && r.outcome === FinishingOutcome.rearmed) metrics.count('GcRearmed', { cluster }, 1, { metadata });
  const deleted = r.deleted ?? [];
  if (deleted.length > 0) {
    metrics.count('ArtifactObjectsDeleted', { cluster }, deleted.length, { metadata });
    metrics.count('ArtifactBytesDeleted', { cluster }, deleted.reduce((n, d) => n + d.size, 0), { unit: 'Bytes', metadata });
  }
  const byResult = new Map<string, number>();
  for (const c of r.verify?.checks ?? []) byResult.set(c.result, (byResult.get(c.result) ?? 0) + 1);
  for (const [result, n] of byResult) metrics.count('ArtifactsVerified', { cluster, result }, n);
}

export interface AfterNotify {
  assessment: Assessment;
  action: Action;
  outcome: string;
  report: FinishingReport;
  apiStatus?: number;
  /** The bundle and intent stored before the action, for the final decision. */
  evidence?: { evidenceKey: string; evidenceSha256: string; intentKey: string };
  /**
   * The decisionId the final record must carry when the action ended in the narrow finalizer removal (verify):
   * its intent's, so the record sits beside the intent and recovery (src/evidence/recover.ts) sees the removal as
   * recorded. A re-arm or a completion keeps the decision's own id: a half-done one continues under the same
   * finishing id, and its later record must not collapse into the first.
   */
  decisionId?: string;
  retryable: boolean;
}

/**
 * The evaluate step after a `notify`: the first finishing action the policy allows for it, run on the live object
 * (it re-reads and re-judges), and what the decision then says. Undefined when no action applies.
 */
export async function finishAfterNotify(
  assessment: Assessment,
  ctx: { config: RemediatorConfig; cluster: string; key: WorkflowKey; quietPeriodMs: number; port: ClusterPort; clock: () => Date; budgets: FinishingBudgets; metrics?: Counter },
  wiring: FinishingWiring,
  evidence: FinishingEvidence,
): Promise<AfterNotify | undefined> {
  if (assessment.verdict !== 'notify') return undefined;
  const policy = finishingPolicyFor(ctx.config, ctx.cluster, ctx.key.namespace);
  const deletion = assessment.evidence.deletionTimestamp;
  const next = planFinishing(assessment, { metadata: { name: ctx.key.name, ...(deletion ? { deletionTimestamp: deletion } : {}) } }, policy).next;
  if (!next) return undefined;
  const port = ctx.port as ClusterPort & Partial<GcWritePort>;
  if (!port.patchWorkflow || !port.deleteGcTask || !port.podExists) return undefined;
  const result = await runFinishing(next, ctx.key, { cluster: ctx.cluster, policy, quietPeriodMs: ctx.quietPeriodMs }, {
    cluster: port as ClusterPort & GcWritePort,
    bucket: wiring.bucket,
    evidence,
    budget: ctx.budgets.for(ctx.cluster, ctx.key.namespace),
    ledger: wiring.ledger,
    clock: ctx.clock,
  });
  if (ctx.metrics) countFinishing(ctx.metrics, ctx.cluster, result);
  return afterFinishing(result, assessment);
}

/** What a decision says about a finishing action: the assessment after it, the action, the record of it. */
export function afterFinishing(result: FinishingResult, fallback: Assessment): AfterNotify {
  const after = result.after ?? result.before ?? fallback;
  const evidence = storedEvidence(result);
  return {
    assessment: after,
    action: actionOf(result, after),
    outcome: `finishing ${result.action}: ${result.outcome}`,
    report: reportOf(result),
    ...(result.apiStatus !== undefined ? { apiStatus: result.apiStatus } : {}),
    ...(evidence ? { evidence } : {}),
    ...(evidence && result.decisionId && result.outcome === FinishingOutcome.removed ? { decisionId: result.decisionId } : {}),
    retryable: result.retryable === true,
  };
}

function storedEvidence(r: FinishingResult): AfterNotify['evidence'] {
  const e = r.evidence;
  return e?.evidenceKey && e.evidenceSha256 && e.intentKey ? { evidenceKey: e.evidenceKey, evidenceSha256: e.evidenceSha256, intentKey: e.intentKey } : undefined;
}

function actionOf(r: FinishingResult, after: Assessment): Action {
  if (r.outcome === FinishingOutcome.removed || r.outcome === FinishingOutcome.completedRemoved) return 'removed';
  if (r.outcome === FinishingOutcome.wouldRemove) return 'would-remove';
  return after.verdict === 'notify' ? 'notified' : 'none';
}

/** The decision's record of the action: every result, object lists cut at 200 with whole counts. */
export function reportOf(r: FinishingResult): FinishingReport {
  const deleted = r.deleted ?? [];
  return {
    action: r.action,
    outcome: r.outcome,
    applied: r.applied,
    reasons: r.reasons.slice(0, 40),
    ...(r.verify ? { checks: r.verify.checks.slice(0, LISTED).map((c) => ({ node: c.node, name: c.name, result: c.result, ...(c.bucket ? { bucket: c.bucket } : {}), ...(c.key ? { key: c.key } : {}) })) } : {}),
    ...(r.deleted ? { deleted: deleted.slice(0, LISTED), deletedCount: deleted.length, deletedBytes: deleted.reduce((s, d) => s + d.size, 0) } : {}),
    ...(r.wouldDelete ? { wouldDelete: r.wouldDelete.slice(0, LISTED) } : {}),
    ...(r.rearm ? { rearm: { attempt: r.rearm.attempt, strategies: r.rearm.strategies, tasksDeleted: r.rearm.tasksDeleted } } : {}),
    ...(r.apiStatus !== undefined ? { apiStatus: r.apiStatus } : {}),
    ...(r.evidence?.intentKey ? { intentKey: r.evidence.intentKey } : {}),
    ...(r.evidence?.evidenceKey ? { evidenceKey: r.evidence.evidenceKey } : {}),
  };
}
