import {
  ARTIFACT_GC_FINALIZER,
  type Assessment,
  type Cause,
  type GcStrategy,
  type PendingArtifact,
  SKIP_ANNOTATION,
  type SuspectedDirectoryOrphan,
  type Verdict,
  type WorkflowRef,
} from './assessment.js';
import { processedReading, processedReadingReason } from './argo-version.js';
import { forceFinalizerRemoval, nodeArtifacts, verifiedAbsent } from './artifacts.js';
import { formatDuration } from './duration.js';
import {
  deleteNotSupportedErrors,
  evidenceOf,
  failureSignals,
  type GcMachinery,
  readMachinery,
  taskReportsSuccess,
  tasksConfirmDeletion,
} from './gc-machinery.js';
import { DRIVERS_WITHOUT_DELETE } from './locations.js';
import { readNodes } from './nodes.js';
import type { Snapshot } from './objects.js';
import { planFinalizerRemoval } from './patch.js';
import { quietPeriod } from './quiet-period.js';
import { DEFAULT_REARM_MAX_ATTEMPTS, readRearm, REARM_ANNOTATION } from './rearm.js';

export interface AssessOptions {
  now: Date;
  quietPeriodMs: number;
  /** The cluster's Argo version from the config (`argoVersion`): it words reasons, never a verdict. */
  argoVersion?: string | undefined;
  /** Re-arms before a notify becomes `gc-rearm-failed` (config `finishing.rearm.maxAttempts`, default 2). */
  rearmMaxAttempts?: number | undefined;
}

/** Notify causes of rows 8 and 12-17: the ones a re-arm can follow and that `gc-rearm-failed` then replaces. */
const AFTER_QUIET_PERIOD: ReadonlySet<Cause> = new Set([
  'gc-pod-stuck',
  'gc-unsupported-driver',
  'gc-failed',
  'gc-pod-missing',
  'gc-never-ran',
  'controller-not-reconciling',
]);

const FINISHED_PHASES = new Set(['Succeeded', 'Failed', 'Error']);

/**
 * The whole decision, as a pure function of what was read: README "The decision, in plain words", rows in order, first match wins.
 * Nothing here can remove a finalizer; it can only return a verdict and, for `remove`, the narrow patch.
 */
export function assess(snapshot: Snapshot, opts: AssessOptions): Assessment {
  const wf = snapshot.workflow;
  const meta = wf.metadata;
  const phase = wf.status?.phase ?? '';
  const machinery = readMachinery(snapshot);
  const force = forceFinalizerRemoval(wf);
  const reasons: string[] = [];
  const rearm = readRearm(meta.annotations);
  const maxRearms = opts.rearmMaxAttempts ?? DEFAULT_REARM_MAX_ATTEMPTS;
  let rowCause: Cause | undefined;
  let pending: PendingArtifact[] = [];
  let suspectedDirectoryOrphans: SuspectedDirectoryOrphan[] = [];
  let quietUntil: string | undefined;

  const verdict = (v: Verdict, rowsCause: Cause, notifyOperator = false): Assessment => {
    let cause = rowsCause;
    if (v === 'notify' && rearm && AFTER_QUIET_PERIOD.has(rowsCause)) {
      if (rearm.count >= maxRearms) {
        reasons.push(`${rearm.count} re-arm(s) made (the last at ${rearm.at}), the cap is ${maxRearms}: GC still not finished; the row's cause was ${rowsCause}`);
        rowCause = rowsCause;
        cause = 'gc-rearm-failed';
      } else {
        reasons.push(`re-arm attempt ${rearm.count} of ${maxRearms} (at ${rearm.at}) did not finish GC`);
      }
    }
    const patch = v === 'remove' ? planFinalizerRemoval(meta) : undefined;
    if (v === 'remove' && !patch) reasons.push('no metadata.uid or metadata.resourceVersion: a race-safe patch cannot be planned, re-read it from the cluster');
    // Optional fields are assigned in the schema's order, not spread in: this runs for every assessment, and
    // audit records and digests serialise that order.
    const evidence = evidenceOf(snapshot, machinery, force);
    if (rearm) evidence.rearm = rearm;
    if (rowCause) evidence.rowCause = rowCause;
    if (opts.argoVersion) evidence.argoVersion = opts.argoVersion;
    evidence.processedReading = processedReading(opts.argoVersion);
    const workflow: WorkflowRef = { namespace: meta.namespace ?? 'default', name: meta.name };
    if (meta.uid) workflow.uid = meta.uid;
    const assessment: Partial<Assessment> = { workflow };
    if (meta.resourceVersion) assessment.resourceVersion = meta.resourceVersion;
    assessment.verdict = v;
    assessment.cause = cause;
    assessment.reasons = reasons;
    assessment.pendingArtifacts = pending;
    assessment.suspectedDirectoryOrphans = suspectedDirectoryOrphans;
    assessment.notifyOperator = notifyOperator;
    if (patch) assessment.patch = patch;
    if (v === 'wait' && quietUntil) assessment.quietUntil = quietUntil;
    assessment.evidence = evidence;
    return assessment as Assessment;
  };

  // 1-2: scope.
  if (!(meta.finalizers ?? []).includes(ARTIFACT_GC_FINALIZER)) {
    reasons.push(`no ${ARTIFACT_GC_FINALIZER} finalizer`);
    return verdict('ignore', 'no-finalizer');
  }
  if (meta.annotations?.[SKIP_ANNOTATION] === 'true') {
    reasons.push(`annotation ${SKIP_ANNOTATION}: "true"`);
    return verdict('ignore', 'opted-out');
  }

  // 3: GC only runs on fulfilled Workflows, and the controller re-adds the finalizer to unfinished ones.
  reasons.push(`phase ${phase || 'unknown'}`);
  if (!FINISHED_PHASES.has(phase)) return verdict('wait', 'workflow-not-finished');

  // 4: without the nodes, nobody can prove the artifacts are gone.
  const nodes = readNodes(wf);
  if (!nodes.readable) {
    reasons.push(nodes.reason);
    return verdict('notify', 'nodes-unavailable', true);
  }

  const artifacts = nodeArtifacts(nodes.nodes, wf, (node, name) => taskReportsSuccess(machinery, node, name));
  pending = artifacts.pending;
  // Rows 1-5 are decided by the Workflow alone, which is all a snapshot holds for them (evidence.ts): there only
  // what the Workflow itself says (deleted: true) names a suspect.
  suspectedDirectoryOrphans = artifacts.suspectedFromWorkflowAlone;
  const deleting = !!meta.deletionTimestamp;
  const due = (s: GcStrategy) => s === 'OnWorkflowCompletion' || (s === 'OnWorkflowDeletion' && deleting);
  const duePending = pending.filter((a) => due(a.strategy));
  reasons.push(pendingSummary(pending));
  const children = snapshot.children ?? [];
  if (children.length > 0) reasons.push(`${children.length} child Workflow(s) judged on their own`);

  // 5: the finalizer is doing its job: it guards OnWorkflowDeletion artifacts until the Workflow is deleted.
  if (pending.length > 0 && !deleting && pending.every((a) => a.strategy === 'OnWorkflowDeletion')) {
    reasons.push('all pending artifacts are OnWorkflowDeletion and the Workflow is not being deleted');
    return verdict('ignore', 'awaiting-deletion');
  }

  suspectedDirectoryOrphans = artifacts.suspectedDirectoryOrphans;

  // 6: give the controller a full quiet period before calling anything stuck.
  const quiet = quietPeriod(wf, machinery.pods, opts.now, opts.quietPeriodMs, rearm?.at);
  if (deleting && quiet.anchorKind !== 'deletion requested') reasons.push(`deletion requested at ${meta.deletionTimestamp}`);
  reasons.push(quietSummary(quiet.anchorKind, quiet.elapsedMs, opts.quietPeriodMs));
  const active = machinery.pods.filter((p) => p.state === 'active');
  const dueStrategies = dueStrategiesWith(duePending);
  const unprocessedDue = dueStrategies.filter((s) => !machinery.strategiesProcessed.has(s));
  const readingReason = () => reasons.push(processedReadingReason(opts.argoVersion));
  if (quiet.inside) {
    quietUntil = new Date(quiet.anchor!.getTime() + opts.quietPeriodMs).toISOString();
    if (active.length > 0) {
      reasons.push(`GC pod ${podList(active)} still ${active[0]!.phase}`);
      return verdict('wait', 'gc-running');
    }
    const unrecouped = machinery.pods.filter((p) => p.state !== 'active' && !p.recouped);
    if (unrecouped.length > 0) {
      reasons.push(`GC pod ${podList(unrecouped)} finished, not yet recouped by the controller`);
      return verdict('wait', 'gc-awaiting-recoup');
    }
    if (quiet.anchorKind === 're-arm') {
      reasons.push(`re-arm #${rearm!.count} at ${rearm!.at} (annotation ${REARM_ANNOTATION}): the controller re-runs GC`);
      return verdict('wait', 'gc-rearmed');
    }
    if (unprocessedDue.length > 0) {
      reasons.push(`strategy ${unprocessedDue.join(', ')} due but not yet started`);
      readingReason();
      return verdict('wait', 'gc-not-started');
    }
    return verdict('wait', 'quiet-period');
  }

  // 7: the controller's own non-force rule (allArtifactsDeleted); it is only stuck because of a controller bug.
  if (pending.length === 0) return verdict('remove', 'no-pending-artifacts');

  // 8: a GC pod that never finishes is never recouped (image pull, scheduling, sidecars).
  if (active.length > 0) {
    const p = active[0]!;
    reasons.push(`GC pod ${podList(active)} ${p.phase}${p.reason ? ` (${p.reason})` : ''} past the quiet period`);
    return verdict('notify', 'gc-pod-stuck');
  }

  // 9: the GC pod deleted everything but the controller never recouped it (e.g. the instance-ID label trap).
  if (tasksConfirmDeletion(pending, machinery)) {
    reasons.push('task results show every pending artifact deleted, but no GC pod was recouped');
    return verdict('remove', 'gc-succeeded-unrecouped', true);
  }

  // 10: the owner declared the finalizer goes even when GC fails. Artifacts whose strategy is not due yet
  // (OnWorkflowDeletion before deletion) have not failed, so force does not cover them (argo #14372).
  const notYetDue = pending.filter((a) => !due(a.strategy));
  if (force && notYetDue.length === 0) {
    reasons.push(`forceFinalizerRemoval: true; ${pending.length} artifact(s) will be orphaned`);
    return verdict('remove', 'force-removal-declared', true);
  }
  if (force) reasons.push(`forceFinalizerRemoval: true, but ${notYetDue.length} artifact(s) are only due at deletion`);

  // 11: the remediator looked in the buckets (verify, README "Finishing GC") and nothing is left; never-uploaded ones never
  // existed (argo #13161). Only once verify ran: without bucket facts nobody has looked.
  if (snapshot.bucketFacts && verifiedAbsent(pending, snapshot.bucketFacts)) {
    const never = pending.filter((a) => a.neverUploaded).length;
    reasons.push(`verified absent in their buckets: ${pending.length - never} artifact(s)${never > 0 ? `; never uploaded: ${never}` : ''}`);
    return verdict('remove', 'artifacts-verified-absent', true);
  }

  // 12: drivers whose Delete is ErrDeleteNotSupported: GC can never succeed for these, however often it runs.
  const undeletable = pending.filter((a) => a.storage && DRIVERS_WITHOUT_DELETE.has(a.storage.driver));
  const notSupported = deleteNotSupportedErrors(machinery);
  if (undeletable.length > 0 || notSupported.length > 0) {
    if (undeletable.length > 0) {
      const drivers = [...new Set(undeletable.map((a) => a.storage!.driver))].sort().join(', ');
      reasons.push(`${undeletable.length} pending artifact(s) stored with ${drivers}, which Argo cannot delete`);
    }
    reasons.push(...notSupported.slice(0, 5));
    return verdict('notify', 'gc-unsupported-driver');
  }

  // 13: GC ran and failed: the artifacts are probably still in the bucket. A human decides.
  const failures = failureSignals(machinery);
  if (failures.length > 0) {
    reasons.push(...failures.slice(0, 5));
    if (failures.length > 5) reasons.push(`…and ${failures.length - 5} more failure signals`);
    return verdict('notify', 'gc-failed');
  }

  const podsOf = (s: GcStrategy) => machinery.pods.some((p) => p.strategy === s) || machinery.recoupedPods.some((p) => p.strategy === s);

  // 14: the task was created, its pod never was (the controller creates the task first): admission denied the
  // pod, quota, Pod Security, a missing ServiceAccount (argo #14355).
  const podMissing = dueStrategies.filter((s) => machinery.tasks.some((t) => t.strategy === s) && !podsOf(s));
  if (podMissing.length > 0) {
    const tasks = machinery.tasks.filter((t) => t.strategy !== undefined && podMissing.includes(t.strategy));
    reasons.push(`strategy ${podMissing.join(', ')}: task ${podList(tasks)} exists, but no GC pod was ever created or recouped for it`);
    readingReason();
    return verdict('notify', 'gc-pod-missing');
  }

  // 15: marked processed, but nothing was ever created for it (argo #16894: a failed create is never retried).
  const neverRan = dueStrategies.filter((s) => machinery.strategiesProcessed.has(s) && !podsOf(s) && !machinery.tasks.some((t) => t.strategy === s));
  if (neverRan.length > 0) {
    reasons.push(`strategy ${neverRan.join(', ')} marked processed, but no GC pod or task exists for it and none was recouped`);
    readingReason();
    return verdict('notify', 'gc-never-ran');
  }

  // 16: due for a whole quiet period and never started: the controller is not reconciling this Workflow (or, on
  // releases with #16897, it keeps retrying a create that fails).
  if (unprocessedDue.length > 0) {
    reasons.push(`strategy ${unprocessedDue.join(', ')} due but never started`);
    readingReason();
    return verdict('notify', 'controller-not-reconciling', true);
  }

  // 17: GC ran (a pod was recouped) or finished without error, yet left artifacts undeleted (argo #9953).
  reasons.push('GC reported no error (its pod finished or was recouped), yet artifacts are not marked deleted');
  return verdict('notify', 'gc-failed');
}

function dueStrategiesWith(duePending: PendingArtifact[]): GcStrategy[] {
  return [...new Set(duePending.map((a) => a.strategy))].sort();
}

function pendingSummary(pending: PendingArtifact[]): string {
  if (pending.length === 0) return '0 pending artifacts';
  const byStrategy = new Map<string, number>();
  for (const a of pending) byStrategy.set(a.strategy, (byStrategy.get(a.strategy) ?? 0) + 1);
  let parts = '';
  for (const [s, n] of byStrategy) parts += `${parts ? ', ' : ''}${n} ${s}`;
  return `${pending.length} pending artifact${pending.length === 1 ? '' : 's'} (${parts})`;
}

function quietSummary(kind: string | undefined, elapsedMs: number, quietPeriodMs: number): string {
  const qp = `quiet period ${formatDuration(quietPeriodMs)}`;
  if (!kind || !Number.isFinite(elapsedMs)) return `no finish, deletion or GC timestamps (${qp} treated as over)`;
  if (elapsedMs < 0) return `${kind} in the future, ${formatDuration(-elapsedMs)} ahead of now (${qp})`;
  return `${kind} ${formatDuration(elapsedMs)} ago (${qp})`;
}

function podList(pods: { name: string }[]): string {
  return pods.length === 1 ? pods[0]!.name : `${pods[0]!.name} (+${pods.length - 1} more)`;
}

export type { GcMachinery };
