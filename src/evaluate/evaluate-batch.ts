import { type BusEntry, type EventPublisher, PublishError } from '../bus/entry.js';
import type { RemediatorConfig } from '../config/schema.js';
import { policyFor } from '../config/policy.js';
import { type SignalRejected as RejectedDetail, signalRejected } from '../domain/alerts.js';
import { type Decision, DECISION_SOURCE, SIGNAL_REJECTED_DETAIL_TYPE } from '../domain/decision.js';
import { orphanedByRemoval } from '../domain/orphans.js';
import type { FinishingBudgets, FinishingWiring } from '../finishing/after-notify.js';
import { redact } from '../observability/redact.js';
import type { ClusterPort } from '../kube/port.js';
import { type Counter, type Log, noCounter, silentLog } from '../observability/log.js';
import { type Act, Outcome, reconcile, type ReconcileResult } from '../remediation/reconcile.js';
import { clampDelay, type QueueMessage, type SignalQueue } from '../queue/signal-queue.js';
import { buildRequeueMessage, dedupe, judgeRecord, SignalRejected } from '../signals/index.js';
import type { WorkflowSignal } from '../signals/signal.js';
import type { EvidenceSink } from '../evidence/sink.js';
import type { ActEvidence } from '../evidence/before-act.js';
import { type ApprovalMessage, asApprovalMessage } from '../approvals/message.js';
import type { ApprovalReport, ApprovalRuntime } from './approval.js';
import { ACT_BUDGET_MS, TimeBudgetError, WORKFLOW_BUDGET_MS } from './budget.js';
import { decisionEntry, toDecision } from './decision.js';
import { asPendingDecision, pendingDecisionMessage } from './outbox.js';

/**
 * The code only removals, recoveries, finishing and approvals run (./acting.ts), imported on first use: an
 * evaluation that only notifies does not load it (bench/README.md, issue 12's bound).
 */
const acting = () => import('./acting.js');
type Acting = Awaited<ReturnType<typeof acting>>;

export interface InboundRecord {
  /** The SQS messageId: what a batch item failure names. */
  id: string;
  /** The raw body, or the object a caller already parsed from it. */
  body: unknown;
  /**
   * SQS ApproximateReceiveCount (1 when absent). Above 1 the record was redelivered: an earlier invocation may
   * have died after a PATCH, so a finalizer found gone is looked up in the intent records.
   */
  receiveCount?: number;
}

export interface EvaluateDeps {
  config: RemediatorConfig;
  /** The cluster adapter for a configured cluster; callers cache it across invocations. */
  portFor(cluster: string): ClusterPort;
  publisher: EventPublisher;
  queue: SignalQueue;
  /** Where evidence bundles and intent records go before each removal (the audit bucket). */
  evidence: EvidenceSink;
  /**
   * Acting on Slack approvals (afr.approval/v1), asked for only when an approval arrives (the deployed function
   * builds it then: button key, stores); undefined without a Slack app, and then such records fail.
   */
  approvals?: () => Promise<ApprovalRuntime | undefined>;
  clock?: () => Date;
  /** Milliseconds left before Lambda discards the invocation (context.getRemainingTimeInMillis); unbounded without. */
  remainingMs?: () => number;
  log?: Log;
  metrics?: Counter;
  /**
   * Finishing GC (README "Finishing GC"): the artifact buckets and the evidence-and-intent writer. Without it no finishing
   * action is ever attempted, whatever the configuration says.
   */
  finishing?: FinishingWiring;
}

export interface BatchReport {
  /** One per record, in order: what sqs-partial-batch-failure turns into batchItemFailures. */
  results: PromiseSettledResult<string>[];
  decisions: Decision[];
  rejected: RejectedDetail[];
  requeued: number;
  approvals: ApprovalReport[];
}

/** Decisions that acted on nothing are published in groups of this size (PutEvents takes ten at most). */
const PUBLISH_GROUP = 10;

/** A deferred removal is looked at again this soon, when the next invocation has fresh removal budget. */
const CAP_DEFERRAL_SECONDS = 60;

/**
 * The evaluate use case: signals in, decisions out. Each distinct Workflow in the batch is read live and
 * judged once, however many events named it. Permanent input errors are published as "Signal Rejected" and
 * acknowledged; anything transient fails only the records that named the affected Workflow, so SQS redelivers
 * them and, past the redrive limit, parks them in the DLQ.
 */
export async function evaluateBatch(records: InboundRecord[], deps: EvaluateDeps): Promise<BatchReport> {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? silentLog;
  const metrics = deps.metrics ?? noCounter;
  const defaultCluster = deps.config.clusters[0]!.name;

  const failures = new Map<string, Error>();
  const fail = (ids: Iterable<string>, err: Error) => {
    for (const id of ids) if (!failures.has(id)) failures.set(id, err);
  };
  const rejected: { id: string; detail: RejectedDetail }[] = [];
  const parked: { id: string; decision: Decision }[] = [];
  const named: { signal: WorkflowSignal; recordId: string }[] = [];
  const approvals: { id: string; message: ApprovalMessage }[] = [];

  // 1. Read every record: parked decisions, signals, or a rejection with its reason.
  for (const record of records) {
    try {
      const pending = asPendingDecision(record.body);
      if (pending) {
        parked.push({ id: record.id, decision: pending });
        continue;
      }
      let approval: ApprovalMessage | undefined;
      try {
        approval = asApprovalMessage(record.body);
      } catch {
        // Never the payload itself in the rejection: it may hold a response_url.
        const err = new SignalRejected('afr.approval/v1 message with an invalid shape');
        rejected.push({ id: record.id, detail: rejection({ id: record.id, body: 'afr.approval/v1 (not shown: it may hold a response_url)' }, err, clock()) });
        log.warn('signal rejected', { messageId: record.id, reason: err.reason });
        continue;
      }
      if (approval) {
        approvals.push({ id: record.id, message: approval });
        continue;
      }
      // The same judgement explain-event prints for this record (src/signals/judge.ts).
      const result = judgeRecord(record, { defaultCluster });
      if (result.rejected) {
        rejected.push({ id: record.id, detail: rejection(record, result.rejected, clock()) });
        log.warn('signal rejected', { messageId: record.id, reason: result.rejected.reason });
        metrics.count('SignalsRejected', {});
        continue;
      }
      for (const { reason } of result.ignored) log.debug('signal ignored', { messageId: record.id, reason });
      for (const signal of result.signals) named.push({ signal, recordId: record.id });
    } catch (err) {
      fail([record.id], err as Error);
      log.error('record failed before evaluation', { messageId: record.id, error: (err as Error).message });
    }
  }

  // 2. Judge each Workflow once, in the order first named, within the per-invocation removal cap.
  const redelivered = new Set(records.filter((r) => (r.receiveCount ?? 1) > 1).map((r) => r.id));
  const recordsOf = new Map<string, Set<string>>();
  for (const { signal, recordId } of named) {
    const key = workflowKey(signal);
    recordsOf.set(key, (recordsOf.get(key) ?? new Set()).add(recordId));
  }
  const byWorkflow = dedupe(named.map((n) => n.signal)).map((signal) => ({ signal, recordIds: recordsOf.get(workflowKey(signal))! }));
  const decisions: { decision: Decision; recordIds: Set<string> }[] = [];
  // What is still to publish. A removal's decision goes out as soon as it is made, with whatever waits before
  // it: were the invocation killed after it, the redelivered records would find the finalizer gone.
  let outbox: Outgoing[] = [
    ...rejected.map((r) => ({ entry: rejectedEntry(r.detail), recordIds: [r.id] })),
    ...parked.map((p) => ({ entry: decisionEntry(p.decision), recordIds: [p.id] })),
  ];
  const flush = async (): Promise<void> => {
    const out = outbox;
    outbox = [];
    await publishAll(out, { publisher: deps.publisher, queue: deps.queue, log, fail });
  };
  const remainingMs = deps.remainingMs ?? (() => Infinity);
  const requeues: QueueMessage[] = [];
  const removalsByCluster = new Map<string, number>();
  let budgets: FinishingBudgets | undefined;
  const finishingBudgets = async () => (budgets ??= new (await acting()).FinishingBudgets(deps.config));
  for (const { signal, recordIds } of byWorkflow) {
    const policy = policyFor(deps.config, signal.cluster, signal.namespace);
    // Every log line about this Workflow names the SQS messages that carried it and, once known, its uid.
    const ref = { workflow: `${signal.namespace}/${signal.name}`, cluster: signal.cluster, signalSource: signal.source, messageIds: [...recordIds], ...(signal.uid ? { uid: signal.uid } : {}) };
    if (!policy.included) {
      log.info('out of scope, not evaluated', { ...ref, reason: policy.reason });
      metrics.count('OutOfScope', { cluster: signal.cluster });
      continue;
    }
    const left = remainingMs();
    if (left < WORKFLOW_BUDGET_MS) {
      // Not started, not judged: its records fail and SQS hands them to a fresh invocation.
      const err = new TimeBudgetError(left);
      fail(recordIds, err);
      log.warn('not evaluated: time budget', { ...ref, remainingMs: Math.round(left), needsMs: WORKFLOW_BUDGET_MS });
      metrics.count('EvaluationFailures', { cluster: signal.cluster, kind: err.kind });
      continue;
    }
    const removals = removalsByCluster.get(signal.cluster) ?? 0;
    const capped = policy.mode === 'remediate' && removals >= policy.caps.perInvocation;
    const act: Act = policy.mode === 'remediate' && !capped ? 'apply' : policy.mode === 'notify-only' ? 'notify-only' : 'dry-run';
    try {
      const port = deps.portFor(signal.cluster);
      // Only on the removal path: bundle, then intent, then the PATCH (invariant 9), if time is left to send it.
      const evidenceStep = async (plan: Parameters<ReturnType<Acting['removalEvidenceStep']>>[0]) => (await acting()).removalEvidenceStep({
        reads: port,
        sink: deps.evidence,
        cluster: signal.cluster,
        mode: policy.mode,
        signal,
        now: clock,
        log,
        onStored: (e) => evidenceMetrics(metrics, signal.cluster, e),
      })(plan);
      const result = await reconcile(port, { namespace: signal.namespace, name: signal.name }, {
        now: clock,
        quietPeriodMs: policy.quietPeriodMs,
        act,
        beforeAct: async (plan) => {
          const stored = await evidenceStep(plan);
          const leftToAct = remainingMs();
          if (leftToAct < ACT_BUDGET_MS) throw new TimeBudgetError(leftToAct, 'act');
          return stored;
        },
        argoVersion: policy.argoVersion,
      });
      // Recovery from the intent record (invariant 5): a redelivered record that finds the finalizer or the
      // Workflow gone completes any removal an earlier invocation made but never got recorded.
      if (findsActDone(result) && [...recordIds].some((id) => redelivered.has(id))) {
        const recovered = await (await acting()).recoverRemovals(deps.evidence, { cluster: signal.cluster, namespace: signal.namespace, name: signal.name, now: clock() });
        metrics.count('RecoveryRequests', { cluster: signal.cluster }, recovered.requests);
        if (recovered.decisions.length > 0) {
          for (const d of recovered.decisions) {
            decisions.push({ decision: d, recordIds });
            outbox.push({ entry: decisionEntry(d), recordIds, park: d });
            log.info('removal recovered from its intent record', { ...ref, uid: d.workflow.uid, decisionId: d.decisionId, intentKey: d.intentKey, cause: d.cause });
            countRemoval(d, metrics);
          }
          await flush();
          continue;
        }
      }
      if (!result.assessment) {
        log.info('workflow already gone', ref);
        continue;
      }
      let outcome: string | undefined;
      let action = result.action;
      // A notify may be finished instead (verify, complete, re-arm), as the configuration allows for the namespace.
      const finished = deps.finishing
        ? await (await acting()).finishAfterNotify(
            result.assessment,
            { config: deps.config, cluster: signal.cluster, key: { namespace: signal.namespace, name: signal.name }, quietPeriodMs: policy.quietPeriodMs, port: deps.portFor(signal.cluster), clock, budgets: await finishingBudgets(), metrics },
            deps.finishing,
            { sink: deps.evidence, signal, log, onStored: (e) => evidenceMetrics(metrics, signal.cluster, e) },
          )
        : undefined;
      if (finished) {
        result.assessment = finished.assessment;
        action = finished.action;
        outcome = finished.outcome;
        if (finished.apiStatus !== undefined) result.apiStatus = finished.apiStatus;
        if (finished.evidence) result.evidence = finished.evidence;
        log.info('finishing', { ...ref, action: finished.report.action, outcome: finished.report.outcome, applied: finished.report.applied });
        metrics.count('Finishing', { cluster: signal.cluster, action: finished.report.action, outcome: finished.report.outcome });
      }
      if (capped && result.action === 'would-remove') {
        outcome = `deferred: removal cap of ${policy.caps.perInvocation} per invocation reached; re-checked in ${CAP_DEFERRAL_SECONDS}s`;
        action = 'none';
        requeues.push(requeue(signal, CAP_DEFERRAL_SECONDS));
      }
      if (result.action === 'removed') removalsByCluster.set(signal.cluster, removals + 1);
      const decision = toDecision({ ...result, action, assessment: result.assessment }, {
        cluster: signal.cluster,
        mode: policy.mode,
        signal,
        at: clock(),
        ...(outcome ? { outcome } : {}),
      });
      if (finished) decision.finishing = redact(finished.report);
      if (finished?.decisionId) decision.decisionId = finished.decisionId;
      decisions.push({ decision, recordIds });
      // Half done (S3 refused a batch, the API the final patch): the decision is published, and the records fail so
      // SQS redelivers them; the redelivery re-verifies and goes on from what the bucket then holds.
      if (finished?.retryable) fail(recordIds, new Error(`finishing ${finished.report.action}: ${finished.report.outcome}; retried`));
      outbox.push({ entry: decisionEntry(decision), recordIds, park: decision });
      if (decision.action === 'removed' || finished || outbox.length >= PUBLISH_GROUP) await flush();
      const attempt = signal.attempt ?? 0;
      if (decision.verdict === 'wait' && attempt < deps.config.requeue.maxAttempts) {
        const waitMs = decision.quietUntil ? Date.parse(decision.quietUntil) - clock().getTime() : 900_000;
        requeues.push(requeue(signal, waitMs / 1000 + 5));
      }
      log.info('decision', { ...ref, uid: decision.workflow.uid, verdict: decision.verdict, cause: decision.cause, action: decision.action, outcome: decision.outcome, decisionId: decision.decisionId });
      metrics.count('Decisions', { cluster: signal.cluster, verdict: decision.verdict, cause: decision.cause, action: decision.action });
      if (decision.action === 'removed') countRemoval(decision, metrics);
    } catch (err) {
      const e = err as Error & { retryable?: boolean; kind?: string };
      fail(recordIds, e);
      log.error('evaluation failed', { ...ref, error: e.message, errorKind: e.kind ?? e.name, retryable: e.retryable === true });
      metrics.count('EvaluationFailures', { cluster: signal.cluster, kind: e.kind ?? e.name });
    }
  }

  // 2b. Approvals, one at a time: each re-reads its Workflow live and acts at most once (README "Approvals from Slack").
  const approvalReports: ApprovalReport[] = [];
  let runtime: ApprovalRuntime | undefined;
  // Why approvals are unavailable, when building them failed (the button key unreadable, the S3 code not loaded):
  // its name and message only, which name the parameter or the file, never a value.
  let unavailable = 'no slack.app';
  if (approvals.length > 0) {
    try {
      runtime = await deps.approvals?.();
    } catch (err) {
      unavailable = `${(err as Error).name}: ${(err as Error).message}`;
    }
  }
  for (const { id, message } of approvals) {
    if (!runtime) {
      fail([id], new Error(`an approval arrived but approvals are not available (${unavailable}): kept for a redelivery`));
      log.error('approval arrived, approvals not available', { messageId: id, reason: unavailable });
      continue;
    }
    try {
      const report = await (await acting()).handleApproval(message, { config: deps.config, portFor: deps.portFor, publisher: deps.publisher, queue: deps.queue, approvals: runtime, evidence: deps.evidence, finishing: deps.finishing ? { wiring: deps.finishing, budgets: await finishingBudgets() } : undefined, clock, log, metrics });
      approvalReports.push(report);
      metrics.count('Approvals', { outcome: report.outcome, code: report.code });
      if (report.outcome === 'acted' && report.claim) metrics.count('ApprovalsActed', { cluster: report.claim.c, action: report.claim.act });
    } catch (err) {
      fail([id], err as Error);
      log.error('approval failed; kept for a redelivery', { messageId: id, error: (err as Error).message, errorName: (err as Error).name });
    }
  }

  // 3. Publish what is left. A removal must never lose its decision: what the bus refuses is parked on the queue;
  //    only if that fails too do the records fail (redelivery re-judges them).
  await flush();

  // 4. Schedule re-checks. A lost re-check is not a lost decision: the sweep finds the Workflow again.
  try {
    if (requeues.length > 0) await deps.queue.send(requeues);
  } catch (err) {
    log.warn('re-check not scheduled; the next sweep will find it', { error: (err as Error).message, count: requeues.length });
  }

  return {
    results: records.map((r) => {
      const err = failures.get(r.id);
      return err ? { status: 'rejected' as const, reason: err } : { status: 'fulfilled' as const, value: r.id };
    }),
    decisions: decisions.map((d) => d.decision),
    rejected: rejected.map((r) => r.detail),
    requeued: requeues.length,
    approvals: approvalReports,
  };
}

interface Outgoing {
  entry: BusEntry;
  /** The records that fail if this entry can be neither published nor parked. */
  recordIds: Iterable<string>;
  /** A decision made in this invocation: parked on the queue when the bus refuses it. */
  park?: Decision;
}

/**
 * Publishes, then deals with exactly the entries the bus did not take (the PublishError's list): those alone
 * are parked or failed, so a decision already delivered is never parked and delivered again. Rejections and
 * republished (parked) decisions still live in their own records: failing those makes SQS retry them.
 */
async function publishAll(
  out: Outgoing[],
  ctx: { publisher: EventPublisher; queue: SignalQueue; log: Log; fail: (ids: Iterable<string>, err: Error) => void },
): Promise<void> {
  if (out.length === 0) return;
  let refused: Outgoing[];
  let cause: Error;
  try {
    await ctx.publisher.publish(out.map((o) => o.entry));
    return;
  } catch (err) {
    cause = err as Error;
    // Without a list of failed entries nothing says which arrived: treat all as not delivered (a repeat collapses
    // on its decisionId downstream; a loss would be for good).
    const failed = err instanceof PublishError ? new Set(err.failed.map((f) => f.entry)) : undefined;
    refused = failed ? out.filter((o) => failed.has(o.entry)) : out;
  }
  const toPark = refused.flatMap((o) => (o.park ? [{ o, decision: o.park }] : []));
  ctx.log.error('publishing failed for some entries; parking their decisions on the queue', { error: cause.message, refused: refused.length, of: out.length, parking: toPark.length });
  if (toPark.length > 0) {
    try {
      await ctx.queue.send(toPark.map((p) => ({ body: pendingDecisionMessage(p.decision), delaySeconds: 30 })));
    } catch (parkErr) {
      for (const p of toPark) ctx.log.error('decision not delivered', { decision: p.decision });
      ctx.fail(toPark.flatMap((p) => [...p.o.recordIds]), parkErr as Error);
    }
  }
  ctx.fail(refused.filter((o) => !o.park).flatMap((o) => [...o.recordIds]), cause);
}

function evidenceMetrics(metrics: Counter, cluster: string, e: ActEvidence): void {
  metrics.count('EvidenceRequests', { cluster }, e.requests);
  metrics.count('EvidenceBytes', { cluster }, e.bytes);
}

/** The act may have been done by an invocation that died: no finalizer on the live Workflow, or no Workflow. */
function findsActDone(result: ReconcileResult): boolean {
  if (result.action !== 'none') return false;
  return !result.assessment || result.assessment.cause === 'no-finalizer' || result.outcome === Outcome.alreadyGone;
}

function countRemoval(decision: Decision, metrics: Counter): void {
  metrics.count('FinalizersRemoved', { cluster: decision.cluster, cause: decision.cause, mode: decision.mode });
  // A removal with artifacts still pending (forced, or approved) leaves them in the bucket for good; GC that
  // succeeded unrecouped, or artifacts verified absent, leave nothing (the evidence bundle's list, the same rule).
  const orphans = orphanedByRemoval(decision).length;
  if (orphans > 0) {
    metrics.count('OrphanedArtifacts', { cluster: decision.cluster }, orphans, { metadata: { namespace: decision.workflow.namespace, name: decision.workflow.name } });
  }
}

function requeue(signal: WorkflowSignal, delaySeconds: number): QueueMessage {
  return { body: JSON.stringify(buildRequeueMessage(signal)), delaySeconds: clampDelay(delaySeconds) };
}

function workflowKey(signal: WorkflowSignal): string {
  return JSON.stringify([signal.cluster, signal.namespace, signal.name]);
}

function rejection(record: InboundRecord, err: SignalRejected, at: Date): RejectedDetail {
  const payload = typeof record.body === 'string' ? record.body : JSON.stringify(record.body) ?? String(record.body);
  return signalRejected({ reason: err.reason, at: at.toISOString(), sourceMessageId: record.id, payload });
}

function rejectedEntry(detail: RejectedDetail): BusEntry {
  return { source: DECISION_SOURCE, detailType: SIGNAL_REJECTED_DETAIL_TYPE, detail };
}
