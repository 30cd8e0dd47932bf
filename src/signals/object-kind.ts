/** The only kind a signal is ever about: `Workflow` in the `argoproj.io` group, matched exactly. */
export const WORKFLOW_GROUP = 'argoproj.io';
export const WORKFLOW_KIND = 'Workflow';
export const WORKFLOW_RESOURCE = 'workflows';

const GC_COMPONENT_LABEL = 'workflows.argoproj.io/component';
const WORKFLOW_LABEL = 'workflows.argoproj.io/workflow';

export type KindVerdict = { workflow: true } | { workflow: false; ignored: string };

export interface ObjectType {
  /** `group/version`, or `version` alone for the core group; absent when the payload does not carry it. */
  apiVersion: string | undefined;
  kind: string | undefined;
  labels?: Record<string, string> | undefined;
}

/**
 * Exact matching on purpose: the exporter's route rules are unanchored regexes, so `Workflow` there also
 * lets WorkflowTemplate, ClusterWorkflowTemplate, CronWorkflow and WorkflowArtifactGCTask through, and a
 * CRD of another group may be called Workflow too. Those yield no signal, with a reason saying which.
 *
 * Pods yield none either (README, explain-event), artifact-GC pods included: the owning Workflow carries its own
 * events (ArtifactGCFailed, WorkflowSucceeded...) and the sweep lists it, so a GC pod adds no reference
 * that is not covered, and mapping a Pod event to a Workflow would trust a label any pod can set. The
 * reason names the owning Workflow so an operator reading `explain-event` sees why.
 */
export function classifyObject(subject: string, type: ObjectType): KindVerdict {
  const kind = type.kind ?? '';
  if (kind === '') return { workflow: false, ignored: `${subject} has no kind, nothing to evaluate` };
  const group = groupOf(type.apiVersion);
  if (kind !== WORKFLOW_KIND) {
    const shown = group === undefined ? kind : `${group === '' ? 'core' : group}/${kind}`;
    return { workflow: false, ignored: `${subject} is ${shown}, not a Workflow${gcPodNote(kind, group, type.labels)}` };
  }
  // A Workflow named without apiVersion (the exporter README's layouts carry the kind only) is taken as
  // argoproj.io: evaluate reads it from that group, and a 404 there is "gone", never a patch.
  if (group !== undefined && group !== WORKFLOW_GROUP) {
    return { workflow: false, ignored: `${subject} is ${group === '' ? 'core' : group}/Workflow, not an ${WORKFLOW_GROUP} Workflow` };
  }
  return { workflow: true };
}

/** `argoproj.io/v1alpha1` -> `argoproj.io`; `v1` -> `` (core); absent or blank -> undefined. */
export function groupOf(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined || apiVersion === '') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

function gcPodNote(kind: string, group: string | undefined, labels: Record<string, string> | undefined): string {
  if (kind !== 'Pod' || (group !== '' && group !== undefined)) return '';
  const workflow = labels?.[WORKFLOW_LABEL];
  if (labels?.[GC_COMPONENT_LABEL] !== 'artifact-gc' || !workflow) return '';
  return ` (artifact-GC pod of Workflow ${JSON.stringify(workflow.slice(0, 253))}: Pods yield no signal; that Workflow's own events and the sweep cover it)`;
}
