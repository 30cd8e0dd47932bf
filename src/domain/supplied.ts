import type { Assessment } from './assessment.js';

/** Which kinds of GC evidence the input held at all (a file of Workflows only holds neither). */
export interface SuppliedEvidence {
  pods: boolean;
  tasks: boolean;
}

type EvidenceKind = keyof SuppliedEvidence;

/** Causes decided by the Workflow alone (rows 1-5): missing pods and tasks cannot change them. */
const WORKFLOW_ONLY = new Set(['no-finalizer', 'opted-out', 'workflow-not-finished', 'nodes-unavailable', 'awaiting-deletion']);

const LABEL: Record<EvidenceKind, string> = { pods: 'GC pods', tasks: 'WorkflowArtifactGCTasks' };

/**
 * Pure. An assessment made without GC pods or tasks (`kubectl get wf -o yaml` holds neither) must not read
 * as if none exist: every cause past the Workflow-only rows rests on them, since a running GC pod means
 * wait, a failed one or a task error means gc-failed, and task results can confirm a deletion. The verdict
 * is kept; the reasons say what was missing and that the cause could not be checked against it.
 */
export function qualifyBySupplied(assessment: Assessment, supplied: SuppliedEvidence): Assessment {
  const missing = (Object.keys(LABEL) as EvidenceKind[]).filter((kind) => !supplied[kind]);
  if (missing.length === 0 || WORKFLOW_ONLY.has(assessment.cause)) return assessment;
  const what = missing.map((kind) => LABEL[kind]).join(' and ');
  const reasons = assessment.reasons.map((r) => r.replace(/\bno (GC pod(?: or task)?|GC task) exists\b/g, 'no $1 was supplied'));
  reasons.push(
    `not supplied: ${what} (the input holds none); '${assessment.cause}' could not be checked against them: ` +
      'give kubectl get wf,pods,wfat -o json for a conclusion',
  );
  return { ...assessment, reasons };
}
