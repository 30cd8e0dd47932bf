import { setTimeout as delay } from 'node:timers/promises';
import type { BucketPort } from '../buckets/port.js';
import type { FinishingAction } from '../config/finishing.js';
import type { FinishingPolicy } from '../config/finishing-policy.js';
import { allowance } from '../domain/allow-list.js';
import type { Assessment, GcStrategy } from '../domain/assessment.js';
import { type ArtifactCheck, type FinishableArtifact, presentObjects } from '../domain/bucket-facts.js';
import { decisionId } from '../domain/decision.js';
import { evidenceNeeded } from '../domain/evidence.js';
import { readNodes } from '../domain/nodes.js';
import { Workflow } from '../domain/objects.js';
import { planDeletedMarks, planRearm, planRearmPatch, type FinishingPatchOp } from '../domain/finishing-patches.js';
import { assessRaw, parseSnapshot, type RawSnapshotInput } from '../domain/snapshot.js';
import type { ClusterPort, GcWritePort, RawSnapshot, RemoveOutcome, WorkflowKey } from '../kube/port.js';
import { assertFinishingPatch, assertPlannedPatch } from '../remediation/patch-guard.js';
import { planFinishing, type FinishingPlan } from './plan.js';
import { evidenceFirst } from '../evidence/before-act.js';
import type { DestructiveKind } from '../evidence/intent.js';
import { toDecision } from '../evaluate/decision.js';
import type { Action } from '../domain/decision.js';
import { redact } from '../observability/redact.js';
import { snapshotDigest } from '../remediation/digest.js';
import type { DailyLedger, FinishingBudget, FinishingEvidence } from './ports.js';
import { snapshotFacts, verifyInBuckets, type VerifyOutcome } from './verify.js';

export interface FinishingDeps {
  cluster: ClusterPort & GcWritePort;
  bucket: BucketPort;
  /** The bundle and intent before every destructive step (invariant 9); the bundle is read through `cluster`. */
  evidence: FinishingEvidence;
  budget: FinishingBudget;
  /** The per-day caps (objects and bytes deleted per cluster); required: no deletion without them. */
  ledger: DailyLedger;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface FinishingContext {
  cluster: string;
  policy: FinishingPolicy;
  quietPeriodMs: number;
}

/** Stable outcome strings: audit queries and dashboards group on them. */
export const FinishingOutcome = {
  gone: 'already-gone',
  notEligible: 'not-eligible',
  notAllowed: 'policy: not allowed',
  verifiedAbsent: 'verified-absent',
  removed: 'verified-absent: finalizer removed',
  wouldRemove: 'verified-absent: would remove (dry run)',
  notRemovable: 'verified-absent: assessment still does not remove',
  present: 'objects-present',
  unknown: 'bucket-unknown',
  wouldRearm: 'would-rearm (dry run)',
  rearmed: 'rearmed',
  taskReplaced: 'rearm stopped: a GC task was recreated meanwhile',
  podsNotGone: 'rearm stopped: GC pods still there after their tasks were deleted',
  wouldDelete: 'would-delete (dry run)',
  completedMarked: 'completed: artifacts marked deleted',
  completedRemoved: 'completed: finalizer removed',
  deleteFailed: 'delete-failed',
  stillPresent: 'completed deletes, but objects are still there',
  capped: 'capped',
  changed: 'changed-reassessed',
  conflictTwice: 'conflict-twice',
} as const;

export interface DeletedRecord {
  bucket: string;
  key: string;
  size: number;
  etag?: string;
  deleteMarkerVersionId?: string;
}

export interface FinishingResult {
  action: FinishingAction;
  workflow: WorkflowKey & { uid?: string };
  decisionId?: string;
  outcome: string;
  /** Anything was written to the cluster or a bucket. */
  applied: boolean;
  reasons: string[];
  plan?: FinishingPlan;
  /** The assessment the action was decided on, and the one after it. */
  before: Assessment | null;
  after?: Assessment;
  verify?: { checks: ArtifactCheck[]; requests: number };
  deleted?: DeletedRecord[];
  wouldDelete?: DeletedRecord[];
  rearm?: { attempt: number; strategies: GcStrategy[]; tasksDeleted: string[]; podsAwaited: string[] };
  patchSent?: FinishingPatchOp[];
  apiStatus?: number;
  evidence?: { evidenceKey?: string; evidenceSha256?: string; intentKey?: string };
  /** The caller should fail the record so it is redelivered (transient, half done). */
  retryable?: boolean;
}

interface Read {
  raw: RawSnapshot;
  workflow: Workflow;
  assessment: Assessment;
}

/**
 * The finishing use case (README "Finishing GC"): one action for one live Workflow. Reads the Workflow live, judges
 * eligibility and policy, and in order: verifies in the buckets, writes the evidence bundle and intent before
 * anything destructive, acts, verifies again, and lets the finalizer go only by Argo's own rule or by the narrow
 * removal of row 11. A dry-run policy reports what it would do and writes nothing.
 */
export async function runFinishing(action: FinishingAction, key: WorkflowKey, ctx: FinishingContext, deps: FinishingDeps): Promise<FinishingResult> {
  const clock = deps.clock ?? (() => new Date());
  const first = await read(deps.cluster, key, ctx, clock);
  if (!first) return { action, workflow: { ...key }, outcome: FinishingOutcome.gone, applied: false, reasons: ['the Workflow no longer exists'], before: null };
  const plan = planFinishing(first.assessment, first.workflow, ctx.policy);
  const offer = plan.offers[action];
  const base = {
    action,
    workflow: { ...key, ...(first.assessment.workflow.uid ? { uid: first.assessment.workflow.uid } : {}) },
    decisionId: decisionId({
      cluster: ctx.cluster,
      uid: first.assessment.workflow.uid,
      resourceVersion: first.assessment.resourceVersion,
      verdict: first.assessment.verdict,
      cause: first.assessment.cause,
      mode: ctx.policy.mode,
      action: `finish:${action}${offer.applies ? '' : ':dry-run'}`,
    }),
    plan,
    before: first.assessment,
  };
  if (!offer.eligible) return { ...base, outcome: FinishingOutcome.notEligible, applied: false, reasons: [offer.reason] };
  if (!offer.allowed) return { ...base, outcome: FinishingOutcome.notAllowed, applied: false, reasons: [offer.reason] };
  switch (action) {
    case 'verify':
      return verifyAction(first, base, offer.applies, ctx, deps, clock);
    case 'complete':
      return completeAction(first, base, offer.applies, ctx, deps, clock);
    case 'rearm':
      return rearmAction(first, base, offer.applies, ctx, deps, clock);
  }
}

type Base = Pick<FinishingResult, 'action' | 'workflow' | 'decisionId' | 'plan' | 'before'>;

async function read(cluster: ClusterPort, key: WorkflowKey, ctx: FinishingContext, clock: () => Date, facts?: unknown[]): Promise<Read | null> {
  // Finishing reads the whole GC machinery: the task specs are what the locations are checked against.
  const raw = await cluster.snapshot(key, { needs: (wf) => ({ ...evidenceNeeded(wf), pods: true, tasks: true }) });
  if (!raw) return null;
  const snapshot = parseSnapshot(raw);
  const assessment = assessRaw(facts ? withBucketFacts(raw, facts) : raw, { now: clock(), quietPeriodMs: ctx.quietPeriodMs });
  return { raw, workflow: snapshot.workflow, assessment };
}

/** The snapshot with verify's facts in issue 11's `bucketFacts` slot, which row 11 reads. */
function withBucketFacts(raw: RawSnapshot, facts: unknown[]): RawSnapshotInput {
  return { ...raw, bucketFacts: facts } as RawSnapshotInput;
}

function pendingOf(a: Assessment): FinishableArtifact[] {
  return a.pendingArtifacts as FinishableArtifact[];
}

function identity(a: Assessment) {
  return { name: a.workflow.name, uid: a.workflow.uid };
}

async function verifyAction(first: Read, base: Base, applies: boolean, ctx: FinishingContext, deps: FinishingDeps, clock: () => Date): Promise<FinishingResult> {
  const v = await verifyInBuckets(pendingOf(first.assessment), identity(first.assessment), ctx.policy.buckets, first.raw.tasks as never, deps.bucket, clock);
  const verify = { checks: v.checks, requests: v.requests };
  const summary = summarize(v.checks);
  if (!v.checks.every((c) => c.result === 'absent' || c.result === 'never-uploaded')) {
    const outcome = v.checks.some((c) => c.result === 'present') ? FinishingOutcome.present : FinishingOutcome.unknown;
    return { ...base, outcome, applied: false, reasons: summary, verify };
  }
  // Row 11 decides, on the live object with the facts in its snapshot.
  const withFacts = assessRaw(withBucketFacts(first.raw, snapshotFacts(pendingOf(first.assessment), v)), { now: clock(), quietPeriodMs: ctx.quietPeriodMs });
  if (withFacts.verdict !== 'remove' || !withFacts.patch) {
    return { ...base, outcome: FinishingOutcome.notRemovable, applied: false, reasons: [...summary, `re-assessed: ${withFacts.verdict}/${withFacts.cause}`], verify, after: withFacts };
  }
  if (!applies) return { ...base, outcome: FinishingOutcome.wouldRemove, applied: false, reasons: summary, verify, after: withFacts };
  const evidence = await evidenceBefore(first, withFacts, base, ctx, deps, clock, {
    kind: 'remove-finalizer',
    patch: withFacts.patch as FinishingPatchOp[],
    details: { checks: v.checks },
    action: 'removed',
    reasons: summary,
  });
  const sent = await sendFinalizerRemoval(deps.cluster, base.workflow, withFacts);
  return { ...base, ...sent, reasons: [...summary, ...sent.reasons], verify, after: withFacts, evidence };
}

async function completeAction(first: Read, base: Base, applies: boolean, ctx: FinishingContext, deps: FinishingDeps, clock: () => Date): Promise<FinishingResult> {
  const pending = pendingOf(first.assessment);
  const wf = identity(first.assessment);
  const v = await verifyInBuckets(pending, wf, ctx.policy.buckets, first.raw.tasks as never, deps.bucket, clock);
  const verify = { checks: v.checks, requests: v.requests };
  const summary = summarize(v.checks);
  const blocked = v.checks.filter((c) => c.result !== 'absent' && c.result !== 'present' && c.result !== 'never-uploaded');
  if (blocked.length > 0) return { ...base, outcome: FinishingOutcome.unknown, applied: false, reasons: summary, verify };
  const truncated = v.checks.flatMap((c) => c.probes).find((p) => p.truncated);
  if (truncated) return { ...base, outcome: FinishingOutcome.capped, applied: false, reasons: [...summary, `${truncated.target}: more objects than one listing holds; not deleted`], verify };

  // Exactly the objects verify saw, each re-checked against the allow-list at the moment of deletion.
  const targets: DeletedRecord[] = [];
  for (const c of v.checks) {
    for (const o of presentObjects(c)) {
      const allowed = allowance({ driver: 's3', bucket: c.bucket, key: o.key, region: c.region }, wf, ctx.policy.buckets);
      if (!allowed.allowed || allowed.bucket !== c.bucket) throw new Error(`refusing to delete s3://${c.bucket}/${o.key}: ${allowed.allowed ? 'bucket changed' : allowed.reason}`);
      targets.push({ bucket: c.bucket!, key: o.key, size: o.size, ...(o.etag ? { etag: o.etag } : {}) });
    }
  }
  const bytes = targets.reduce((s, t) => s + t.size, 0);
  if (!applies) return { ...base, outcome: FinishingOutcome.wouldDelete, applied: false, reasons: [...summary, `would delete ${targets.length} object(s), ${bytes} byte(s)`], verify, wouldDelete: targets };

  if (targets.length > 0) {
    const cap = deps.budget.takeObjects(targets.length, bytes);
    if (!cap.ok) return { ...base, outcome: FinishingOutcome.capped, applied: false, reasons: [...summary, cap.reason], verify, wouldDelete: targets };
    // The day's caps per cluster, reserved before the first delete; an unreachable ledger refuses (retried later).
    const daily = await deps.ledger.reserve(ctx.cluster, clock().toISOString().slice(0, 10), base.decisionId!, targets.length, bytes, ctx.policy.caps);
    if (!daily.ok) return { ...base, outcome: FinishingOutcome.capped, applied: false, reasons: [...summary, daily.reason], verify, wouldDelete: targets, ...(daily.transient ? { retryable: true } : {}) };
  }
  const evidence = await evidenceBefore(first, first.assessment, base, ctx, deps, clock, {
    kind: 'complete',
    details: { delete: targets, checks: v.checks },
    action: 'none',
    reasons: [...summary, `delete ${targets.length} object(s), ${bytes} byte(s), verify each gone, then mark the artifacts deleted (or remove the finalizer)`],
  });

  const deleted: DeletedRecord[] = [];
  const failed: string[] = [];
  for (const [bucketName, objects] of groupBy(targets, (t) => t.bucket)) {
    const region = v.checks.find((c) => c.bucket === bucketName)?.region;
    const report = await deps.bucket.delete({ bucket: bucketName, region }, objects.map((o) => o.key));
    for (const d of report.deleted) {
      const t = objects.find((o) => o.key === d.key);
      deleted.push({ bucket: bucketName, key: d.key, size: t?.size ?? 0, ...(t?.etag ? { etag: t.etag } : {}), ...(d.deleteMarkerVersionId ? { deleteMarkerVersionId: d.deleteMarkerVersionId } : {}) });
    }
    for (const f of report.failed) failed.push(`s3://${bucketName}/${f.key}: ${f.code}`);
  }
  if (failed.length > 0) {
    return { ...base, outcome: FinishingOutcome.deleteFailed, applied: deleted.length > 0, reasons: [...summary, `${failed.length} object(s) not deleted: ${failed.slice(0, 3).join('; ')}`], verify, deleted, evidence, retryable: true };
  }

  // Verified gone, each one, before the finalizer is let go (invariant 10).
  const after = await verifyInBuckets(pending, wf, ctx.policy.buckets, first.raw.tasks as never, deps.bucket, clock);
  verify.requests += after.requests;
  if (!after.checks.every((c) => c.result === 'absent' || c.result === 'never-uploaded')) {
    return { ...base, outcome: FinishingOutcome.stillPresent, applied: true, reasons: summarize(after.checks), verify: { checks: after.checks, requests: verify.requests }, deleted, evidence, retryable: true };
  }
  const facts = snapshotFacts(pending, after);
  const sent = await sendGuarded(deps.cluster, base.workflow, ctx, clock, facts, (r) => {
    const nodes = readNodes(r.workflow);
    const uploaded = pendingOf(r.assessment).filter((a) => !a.neverUploaded);
    // Plain nodes: mark them deleted, so Argo's own allArtifactsDeleted() lets the finalizer go.
    if (nodes.readable && nodes.source === 'status.nodes' && uploaded.length > 0) {
      const marks = planDeletedMarks(r.workflow, uploaded);
      if (marks) return { patch: marks, kind: 'marks' };
    }
    if (r.assessment.verdict === 'remove' && r.assessment.patch) return { patch: r.assessment.patch as FinishingPatchOp[], kind: 'finalizer' };
    return { stop: `re-assessed ${r.assessment.verdict}/${r.assessment.cause}: nothing to patch` };
  });
  const outcome = sent.kind === 'marks' ? FinishingOutcome.completedMarked : sent.kind === 'finalizer' ? FinishingOutcome.completedRemoved : sent.outcome;
  return { ...base, ...sent.result, outcome, reasons: [...summary, `deleted ${deleted.length} object(s) and verified each gone`, ...sent.result.reasons], verify: { checks: after.checks, requests: verify.requests }, deleted, evidence };
}

async function rearmAction(first: Read, base: Base, applies: boolean, ctx: FinishingContext, deps: FinishingDeps, clock: () => Date): Promise<FinishingResult> {
  const snap = parseSnapshot(first.raw);
  const strategies = base.plan!.rearm!.strategies;
  const attempt = base.plan!.rearm!.attempt;
  const plan = planRearm(snap.workflow, snap.pods, snap.tasks, strategies);
  const rearm = { attempt, strategies, tasksDeleted: [] as string[], podsAwaited: plan.pods };
  const would = `delete ${plan.tasks.length} GC task(s) (${plan.tasks.map((t) => t.name).join(', ') || 'none'}), await ${plan.pods.length} GC pod(s) gone, reset ${[...plan.processed.map((s) => `strategiesProcessed/${s}`), ...plan.recouped.map((p) => `podsRecouped/${p}`)].join(', ') || 'nothing'}; attempt ${attempt}`;
  if (!applies) return { ...base, outcome: FinishingOutcome.wouldRearm, applied: false, reasons: [would], rearm };
  const cap = deps.budget.takeRearm();
  if (!cap.ok) return { ...base, outcome: FinishingOutcome.capped, applied: false, reasons: [cap.reason], rearm };

  // The patch as it would go now; it is planned again on the read after the pods are gone (a fresh resourceVersion).
  const asPlanned = planRearmPatch(snap.workflow, planRearm(snap.workflow, [], [], strategies), clock());
  const evidence = await evidenceBefore(first, first.assessment, base, ctx, deps, clock, {
    kind: 'rearm',
    details: { tasks: plan.tasks, pods: plan.pods, recouped: plan.recouped, processed: plan.processed, attempt, ...(asPlanned ? { patchAsPlanned: asPlanned } : {}) },
    action: 'none',
    reasons: [would],
  });
  const ns = base.workflow.namespace;
  for (const t of plan.tasks) {
    const out = await deps.cluster.deleteGcTask(ns, t.name, t.uid);
    if (out.kind === 'replaced') return { ...base, outcome: FinishingOutcome.taskReplaced, applied: rearm.tasksDeleted.length > 0, reasons: [`task ${t.name} has a new uid: the controller recreated it`], rearm, evidence };
    rearm.tasksDeleted.push(t.name);
  }
  // Bounded: a pod that outlives its task (a finalizer of its own, a stuck kubelet) would be recouped again with
  // its old result, so the status is never reset while one is there.
  const sleep = deps.sleep ?? ((ms: number) => delay(ms));
  const deadline = clock().getTime() + ctx.policy.rearm.podGoneTimeoutSeconds * 1000;
  let remaining = [...plan.pods];
  for (;;) {
    const still: string[] = [];
    for (const pod of remaining) if (await deps.cluster.podExists(ns, pod)) still.push(pod);
    remaining = still;
    if (remaining.length === 0) break;
    if (clock().getTime() >= deadline) {
      return { ...base, outcome: FinishingOutcome.podsNotGone, applied: true, reasons: [`GC pod(s) ${remaining.join(', ')} still there ${ctx.policy.rearm.podGoneTimeoutSeconds}s after their tasks were deleted; status not reset`], rearm, evidence };
    }
    await sleep(ctx.policy.rearm.podGonePollSeconds * 1000);
  }
  const sent = await sendGuarded(deps.cluster, base.workflow, ctx, clock, undefined, (r) => {
    const s = parseSnapshot(r.raw);
    const active = s.pods.some((p) => ['Pending', 'Running', '', undefined].includes(p.status?.phase));
    if (active) return { stop: 'a GC pod is running again: the controller re-ran GC by itself' };
    const fresh = planRearm(s.workflow, [], [], strategies);
    const patch = planRearmPatch(s.workflow, fresh, clock());
    return patch ? { patch, kind: 'rearm' } : { stop: 'no uid or resourceVersion to pin the patch to' };
  });
  return { ...base, ...sent.result, outcome: sent.kind === 'rearm' ? FinishingOutcome.rearmed : sent.outcome, reasons: [would, ...sent.result.reasons], rearm, evidence };
}

/**
 * The step before anything destructive (invariant 9), exactly as removals take it: the decision as planned (the
 * finishing action's own decisionId, so a redelivery on the same state finds its bundle and intent already
 * stored), then src/evidence's `evidenceFirst`: bundle, then intent. It throws EvidenceWriteError when either
 * cannot be stored, and then nothing is done.
 */
async function evidenceBefore(
  first: Read,
  assessment: Assessment,
  base: Base,
  ctx: FinishingContext,
  deps: FinishingDeps,
  clock: () => Date,
  act: { kind: DestructiveKind; patch?: FinishingPatchOp[]; details: Record<string, unknown>; action: Action; reasons: string[] },
): Promise<NonNullable<FinishingResult['evidence']>> {
  const planned = toDecision(
    {
      workflow: base.workflow,
      assessment,
      action: act.action,
      outcome: `finishing ${base.action}: planned`,
      snapshotDigest: snapshotDigest(first.raw),
      ...(act.patch ? { patchSent: act.patch as never } : {}),
    },
    { cluster: ctx.cluster, mode: ctx.policy.mode, signal: deps.evidence.signal, at: clock() },
  );
  const decision = { ...planned, decisionId: base.decisionId!, finishing: redact({ action: base.action, outcome: 'planned', applied: false, reasons: act.reasons.slice(0, 40) }) };
  const stored = await evidenceFirst(
    { reads: deps.cluster, sink: deps.evidence.sink, now: clock, ...(deps.evidence.log ? { log: deps.evidence.log } : {}) },
    { decision, assessment, raw: first.raw, action: { kind: act.kind, ...(act.patch ? { patch: act.patch } : {}), details: act.details } },
  );
  deps.evidence.onStored?.(stored);
  return { evidenceKey: stored.evidenceKey, evidenceSha256: stored.evidenceSha256, intentKey: stored.intentKey };
}

type PatchPlan = { patch: FinishingPatchOp[]; kind: string } | { stop: string };

/**
 * One guarded patch, re-read and re-planned once if the Workflow changed between our read and our PATCH (a
 * `test` failing: 422, or 409); a second conflict is a retryable error, never a forced write.
 */
async function sendGuarded(
  cluster: ClusterPort & GcWritePort,
  workflow: WorkflowKey & { uid?: string },
  ctx: FinishingContext,
  clock: () => Date,
  facts: unknown[] | undefined,
  plan: (r: Read) => PatchPlan,
): Promise<{ result: Pick<FinishingResult, 'applied' | 'reasons' | 'patchSent' | 'apiStatus' | 'after' | 'retryable'>; kind?: string; outcome: string }> {
  const reasons: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    const r = await read(cluster, workflow, ctx, clock, facts);
    if (!r) return { result: { applied: true, reasons: [...reasons, 'the Workflow is gone'] }, outcome: FinishingOutcome.gone };
    if (r.assessment.workflow.uid !== workflow.uid) return { result: { applied: true, reasons: [...reasons, 'a new Workflow of the same name: not touched'] }, outcome: FinishingOutcome.changed };
    const p = plan(r);
    if ('stop' in p) return { result: { applied: true, reasons: [...reasons, p.stop], after: r.assessment }, outcome: FinishingOutcome.changed };
    if (p.kind === 'finalizer') assertPlannedPatch(p.patch as never, workflow.uid);
    else assertFinishingPatch(p.patch, workflow.uid);
    const out: RemoveOutcome = await cluster.patchWorkflow(workflow, p.patch);
    if (out.kind === 'patched') {
      const after = assessRaw({ ...r.raw, workflow: out.workflow }, { now: clock(), quietPeriodMs: ctx.quietPeriodMs });
      return { result: { applied: true, reasons, patchSent: p.patch, apiStatus: out.status, after }, kind: p.kind, outcome: p.kind };
    }
    if (out.kind === 'gone') return { result: { applied: true, reasons: [...reasons, 'the Workflow is gone'], patchSent: p.patch, apiStatus: 404 }, outcome: FinishingOutcome.gone };
    reasons.push(`PATCH answered ${out.status}: the Workflow changed; re-read and re-planned`);
    if (attempt === 2) return { result: { applied: true, reasons, patchSent: p.patch, apiStatus: out.status, retryable: true }, outcome: FinishingOutcome.conflictTwice };
  }
  throw new Error('unreachable');
}

async function sendFinalizerRemoval(cluster: ClusterPort & GcWritePort, workflow: WorkflowKey & { uid?: string }, assessment: Assessment) {
  assertPlannedPatch(assessment.patch!, workflow.uid);
  const out = await cluster.removeFinalizer(workflow, assessment.patch!);
  if (out.kind === 'patched') return { outcome: FinishingOutcome.removed, applied: true, reasons: [] as string[], patchSent: assessment.patch as FinishingPatchOp[], apiStatus: out.status };
  if (out.kind === 'gone') return { outcome: FinishingOutcome.gone, applied: false, reasons: ['the Workflow is gone'], apiStatus: 404 };
  // The next signal re-reads and re-verifies: a removal is never retried on stale facts.
  return { outcome: FinishingOutcome.changed, applied: false, reasons: [`PATCH answered ${out.status}: the Workflow changed; it is judged again on the next signal`], apiStatus: out.status, retryable: true };
}

function summarize(checks: ArtifactCheck[]): string[] {
  return checks.map((c) => `${c.node}/${c.name}: ${c.result}${c.reason ? ` (${c.reason})` : ''}`);
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return m;
}
