import type { Mode } from '../domain/decision.js';
import { toDecision } from '../evaluate/decision.js';
import type { EvidenceReads } from '../kube/port.js';
import type { Log } from '../observability/log.js';
import type { BeforeAct } from '../remediation/reconcile.js';
import type { WorkflowSignal } from '../signals/signal.js';
import { type ActEvidence, evidenceFirst } from './before-act.js';
import type { EvidenceSink } from './sink.js';

export interface RemovalStepContext {
  reads: EvidenceReads;
  sink: EvidenceSink;
  cluster: string;
  mode: Mode;
  signal?: WorkflowSignal | undefined;
  now: () => Date;
  log?: Log;
  /** What each bundle cost (bench, metrics). */
  onStored?: (evidence: ActEvidence) => void;
}

/**
 * The reconcile hook for finalizer removals: the decision as it will read once removed (same decisionId as
 * the final record), then `evidenceFirst` (bundle, intent). Re-arm and completion (README "Finishing GC") call
 * `evidenceFirst` the same way with their own action.
 */
export function removalEvidenceStep(ctx: RemovalStepContext): BeforeAct {
  return async (plan) => {
    const { workflow } = plan.assessment;
    const decision = toDecision(
      {
        workflow: { namespace: workflow.namespace, name: workflow.name, ...(workflow.uid ? { uid: workflow.uid } : {}) },
        assessment: plan.assessment,
        action: 'removed',
        outcome: plan.outcome,
        snapshotDigest: plan.snapshotDigest,
        patchSent: plan.patch,
      },
      { cluster: ctx.cluster, mode: ctx.mode, signal: ctx.signal, at: ctx.now() },
    );
    const stored = await evidenceFirst(
      { reads: ctx.reads, sink: ctx.sink, now: ctx.now, ...(ctx.log ? { log: ctx.log } : {}) },
      { decision, assessment: plan.assessment, raw: plan.raw, action: { kind: 'remove-finalizer', patch: plan.patch } },
    );
    ctx.onStored?.(stored);
    return { evidenceKey: stored.evidenceKey, evidenceSha256: stored.evidenceSha256, intentKey: stored.intentKey };
  };
}
