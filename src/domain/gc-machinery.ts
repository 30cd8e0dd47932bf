import type { GcEvidence, GcStrategy, PendingArtifact } from './assessment.js';
import { ANNOTATION_GC_STRATEGY, CONDITION_GC_ERROR, type GcTask, type Pod, type Snapshot } from './objects.js';

export type GcPodPhase = 'active' | 'finished-ok' | 'finished-failed' | 'unknown';

export interface GcPod {
  name: string;
  phase: string;
  state: GcPodPhase;
  strategy: GcStrategy | undefined;
  recouped: boolean;
  /** Why an active pod is not progressing (ImagePullBackOff, Unschedulable...), when the pod says. */
  reason: string | undefined;
  /** Timestamps that count as "something happened": creation and every container's termination. */
  activity: string[];
}

export interface GcTaskView {
  name: string;
  strategy: GcStrategy | undefined;
  /** Results keyed `${nodeId}/${artifactName}`. */
  results: Map<string, { success: boolean | undefined; error: string | undefined }>;
}

/** The artifact-GC machinery of one Workflow, read from its pods, tasks and status. */
export interface GcMachinery {
  pods: GcPod[];
  tasks: GcTaskView[];
  gcErrorConditions: string[];
  strategiesProcessed: Set<string>;
  /** Every pod in `podsRecouped`, whether or not it still exists (a successful GC pod goes with its task). */
  recoupedPods: { name: string; strategy: GcStrategy | undefined }[];
}

export function readMachinery(snapshot: Snapshot): GcMachinery {
  const status = snapshot.workflow.status;
  const gcStatus = status?.artifactGCStatus ?? {};
  const recouped = gcStatus.podsRecouped ?? {};
  // Plain loops, not entries/filter/map chains: this runs once per assessment, before the first row.
  const processed = new Set<string>();
  const strategies = gcStatus.strategiesProcessed ?? {};
  for (const k in strategies) if (strategies[k] === true) processed.add(k);
  const gcErrorConditions: string[] = [];
  for (const c of status?.conditions ?? []) {
    if (c.type === CONDITION_GC_ERROR && c.status !== 'False') gcErrorConditions.push(c.message ?? CONDITION_GC_ERROR);
  }
  const recoupedPods: GcMachinery['recoupedPods'] = [];
  for (const name in recouped) if (recouped[name] === true) recoupedPods.push({ name, strategy: strategyOf(undefined, name) });
  return {
    pods: byName(snapshot.pods.map((p) => podView(p, recouped))),
    tasks: byName(snapshot.tasks.map(taskView)),
    gcErrorConditions,
    strategiesProcessed: processed,
    recoupedPods: byName(recoupedPods),
  };
}

function byName<T extends { name: string }>(list: T[]): T[] {
  return list.length > 1 ? list.sort((a, b) => a.name.localeCompare(b.name)) : list;
}

function podView(pod: Pod, recouped: Record<string, boolean>): GcPod {
  const status = pod.status;
  const phase = status?.phase ?? '';
  const state: GcPodPhase =
    phase === 'Succeeded' ? 'finished-ok'
    : phase === 'Failed' ? 'finished-failed'
    // A pod without a phase has just been created: it counts as running GC, never as finished.
    : phase === 'Pending' || phase === 'Running' || phase === '' ? 'active'
    : 'unknown';
  let waiting: string | undefined;
  const activity: string[] = [];
  if (typeof pod.metadata.creationTimestamp === 'string') activity.push(pod.metadata.creationTimestamp);
  // Init containers first, as the pod lists them: the first waiting reason found is the one reported.
  for (const list of [status?.initContainerStatuses, status?.containerStatuses]) {
    for (const s of list ?? []) {
      const reason = s.state?.waiting?.reason;
      if (!waiting && reason) waiting = reason;
      const finishedAt = s.state?.terminated?.finishedAt;
      if (typeof finishedAt === 'string') activity.push(finishedAt);
    }
  }
  const name = pod.metadata.name;
  return {
    name,
    phase: phase || 'Pending',
    state,
    strategy: strategyOf(pod.metadata.annotations?.[ANNOTATION_GC_STRATEGY], name),
    recouped: recouped[name] === true,
    reason: waiting ?? status?.reason ?? undefined,
    activity,
  };
}

function taskView(task: GcTask): GcTaskView {
  const results: GcTaskView['results'] = new Map();
  const byNode = task.status?.artifactResultsByNode ?? {};
  for (const nodeId in byNode) {
    const byName = byNode[nodeId]!.artifactResults ?? {};
    for (const name in byName) {
      const r = byName[name]!;
      results.set(`${nodeId}/${r.name ?? name}`, { success: r.success ?? undefined, error: r.error ?? undefined });
    }
  }
  return { name: task.metadata.name, strategy: strategyOf(undefined, task.metadata.name), results };
}

/** GC pods are `<wf>-artgc-wfcomp-<h>` / `<wf>-artgc-wfdel-<h>`, tasks `<pod>-<i>`; the annotation wins. */
export function strategyOf(annotation: string | undefined, name: string): GcStrategy | undefined {
  if (annotation === 'OnWorkflowCompletion' || annotation === 'OnWorkflowDeletion') return annotation;
  if (/-artgc-wfcomp-\d+(-\d+)?$/.test(name)) return 'OnWorkflowCompletion';
  if (/-artgc-wfdel-\d+(-\d+)?$/.test(name)) return 'OnWorkflowDeletion';
  return undefined;
}

/** Every failure the controller or the GC pod left behind: pods Failed, ArtifactGCError, task errors. */
export function failureSignals(m: GcMachinery): string[] {
  const signals: string[] = [];
  for (const pod of m.pods) if (pod.state === 'finished-failed') signals.push(`GC pod ${pod.name} Failed`);
  for (const message of m.gcErrorConditions) signals.push(`condition ArtifactGCError: ${message}`);
  for (const task of m.tasks) {
    for (const [key, r] of task.results) {
      if (r.success === false) signals.push(`task ${task.name}: ${key} failed${r.error ? `: ${r.error}` : ''}`);
    }
  }
  return signals;
}

/** Task errors from a driver that cannot delete ("delete not supported for this artifact storage", common.go L40-42). */
export function deleteNotSupportedErrors(m: GcMachinery): string[] {
  const found: string[] = [];
  for (const task of m.tasks) {
    for (const [key, r] of task.results) {
      if (r.success === false && r.error && /delete not supported/i.test(r.error)) found.push(`task ${task.name}: ${key}: ${r.error}`);
    }
  }
  return found;
}

/** Whether any GC task holds `success: true` for this node's artifact. */
export function taskReportsSuccess(m: GcMachinery, node: string, artifact: string): boolean {
  const key = `${node}/${artifact}`;
  return m.tasks.some((t) => t.results.get(key)?.success === true);
}

/**
 * True when task results prove every pending artifact deleted: at least one success and no failure for each.
 * This is the evidence the controller would have copied into `deleted` had it recouped the pod.
 */
export function tasksConfirmDeletion(pending: PendingArtifact[], m: GcMachinery): boolean {
  if (pending.length === 0) return false;
  return pending.every((a) => {
    const results = m.tasks.map((t) => t.results.get(`${a.node}/${a.name}`)).filter((r) => r !== undefined);
    return results.some((r) => r.success === true) && !results.some((r) => r.success === false);
  });
}

/** The optional fields are assigned after the others, in the schema's order: audit records and digests serialise that order. */
export function evidenceOf(snapshot: Snapshot, m: GcMachinery, force: boolean): GcEvidence {
  const meta = snapshot.workflow.metadata;
  const phase = snapshot.workflow.status?.phase;
  const evidence: GcEvidence = {
    pods: m.pods.map((p) => ({
      name: p.name,
      phase: p.phase,
      ...(p.strategy ? { strategy: p.strategy } : {}),
      recouped: p.recouped,
      ...(p.reason ? { reason: p.reason } : {}),
    })),
    tasks: m.tasks.map((t) => ({ name: t.name, errors: taskErrors(t) })),
    conditions: m.gcErrorConditions,
    strategiesProcessed: [...m.strategiesProcessed].sort(),
    forceFinalizerRemoval: force,
    finalizers: [...(meta.finalizers ?? [])],
  };
  if (meta.deletionTimestamp) evidence.deletionTimestamp = meta.deletionTimestamp;
  if (phase) evidence.phase = phase;
  return evidence;
}

function taskErrors(t: GcTaskView): GcEvidence['tasks'][number]['errors'] {
  const errors: GcEvidence['tasks'][number]['errors'] = [];
  for (const [key, r] of t.results) {
    if (r.success !== false) continue;
    const slash = key.indexOf('/');
    errors.push({ node: key.slice(0, slash), artifact: key.slice(slash + 1), error: r.error ?? 'failed' });
  }
  return errors;
}
