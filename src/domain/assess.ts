import {
  ARTIFACT_GC_FINALIZER,
  type Assessment,
  type Cause,
  type GcStrategy,
  type PendingArtifact,
  SKIP_ANNOTATION,
  type SuspectedDirectoryOrphan,
  type Verdict,
} from './assessment.js';
import { forceFinalizerRemoval, nodeArtifacts } from './artifacts.js';
import { formatDuration } from './duration.js';
import { evidenceOf, failureSignals, type GcMachinery, readMachinery, taskReportsSuccess, tasksConfirmDeletion } from './gc-machinery.js';
import { readNodes } from './nodes.js';
import type { Snapshot } from './objects.js';
import { planFinalizerRemoval } from './patch.js';
import { quietPeriod } from './quiet-period.js';

export interface AssessOptions {
  now: Date;
  quietPeriodMs: number;
}

const FINISHED_PHASES = new Set(['Succeeded', 'Failed', 'Error']);

/**
 * The whole decision, as a pure function of what was read: DESIGN.md 4.2, rows in order, first match wins.
 * Nothing here can remove a finalizer; it can only return a verdict and, for `remove`, the narrow patch.
 */
export function assess(snapshot: Snapshot, opts: AssessOptions): Assessment {
  const wf = snapshot.workflow;
  const meta = wf.metadata;
  const phase = wf.status?.phase ?? '';
  const machinery = readMachinery(snapshot);
  const force = forceFinalizerRemoval(wf);
  const reasons: string[] = [];
  let pending: PendingArtifact[] = [];
  let suspectedDirectoryOrphans: SuspectedDirectoryOrphan[] = [];
  let quietUntil: string | undefined;

  const verdict = (v: Verdict, cause: Cause, notifyOperator = false): Assessment => {
    const patch = v === 'remove' ? planFinalizerRemoval(meta) : undefined;
    if (v === 'remove' && !patch) reasons.push('no metadata.uid: a race-safe patch cannot be planned, re-read it from the cluster');
    return {
      workflow: { namespace: meta.namespace ?? 'default', name: meta.name, ...(meta.uid ? { uid: meta.uid } : {}) },
      ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
      verdict: v,
      cause,
      reasons,
      pendingArtifacts: pending,
      suspectedDirectoryOrphans,
      notifyOperator,
      ...(patch ? { patch } : {}),
      ...(v === 'wait' && quietUntil ? { quietUntil } : {}),
      evidence: evidenceOf(snapshot, machinery, force),
    };
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

  ({ pending, suspectedDirectoryOrphans } = nodeArtifacts(nodes.nodes, wf, (node, name) => taskReportsSuccess(machinery, node, name)));
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

  // 6: give the controller a full quiet period before calling anything stuck.
  const quiet = quietPeriod(wf, machinery.pods, opts.now, opts.quietPeriodMs);
  if (deleting && quiet.anchorKind !== 'deletion requested') reasons.push(`deletion requested at ${meta.deletionTimestamp}`);
  reasons.push(quietSummary(quiet.anchorKind, quiet.elapsedMs, opts.quietPeriodMs));
  const active = machinery.pods.filter((p) => p.state === 'active');
  const unprocessedDue = dueStrategiesWith(duePending).filter((s) => !machinery.strategiesProcessed.has(s));
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
    if (unprocessedDue.length > 0) {
      reasons.push(`strategy ${unprocessedDue.join(', ')} due but not yet started`);
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

  // 11: GC ran and failed: the artifacts are probably still in the bucket. A human decides.
  const failures = failureSignals(machinery);
  if (failures.length > 0) {
    reasons.push(...failures.slice(0, 5));
    if (failures.length > 5) reasons.push(`…and ${failures.length - 5} more failure signals`);
    return verdict('notify', 'gc-failed');
  }

  // 12: marked processed, but nothing was ever created for it (argo #16894: a failed create is never retried).
  const neverRan = dueStrategiesWith(duePending).filter(
    (s) =>
      machinery.strategiesProcessed.has(s) &&
      !machinery.pods.some((p) => p.strategy === s) &&
      !machinery.tasks.some((t) => t.strategy === s),
  );
  if (neverRan.length > 0) {
    reasons.push(`strategy ${neverRan.join(', ')} marked processed, but no GC pod or task exists for it`);
    return verdict('notify', 'gc-never-ran');
  }

  // 13: due for a whole quiet period and never started: the controller is not reconciling this Workflow.
  if (unprocessedDue.length > 0) {
    reasons.push(`strategy ${unprocessedDue.join(', ')} due but never started`);
    return verdict('notify', 'controller-not-reconciling', true);
  }

  // GC finished without error yet left artifacts undeleted: a silent GC failure (argo #9953).
  reasons.push('GC finished without reporting an error, yet artifacts are not marked deleted');
  return verdict('notify', 'gc-failed');
}

function dueStrategiesWith(duePending: PendingArtifact[]): GcStrategy[] {
  return [...new Set(duePending.map((a) => a.strategy))].sort();
}

function pendingSummary(pending: PendingArtifact[]): string {
  if (pending.length === 0) return '0 pending artifacts';
  const byStrategy = new Map<string, number>();
  for (const a of pending) byStrategy.set(a.strategy, (byStrategy.get(a.strategy) ?? 0) + 1);
  const parts = [...byStrategy].map(([s, n]) => `${n} ${s}`).join(', ');
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
