/**
 * The resource types this server serves. Everything else (discovery, routing, RBAC names, Status details,
 * table columns) is derived from these entries, so adding a kind is one entry here.
 */

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** CustomResourceDefinition semantics: no strategic merge patch, DELETE answers a Status, generation bumps. */
  custom: boolean;
  /**
   * Field selectors beyond metadata.name / metadata.namespace, as path lists into the object. A list of paths
   * means "the first one that is set" (an Event's `source` is source.component, else reportingComponent).
   */
  extraFieldSelectors: Record<string, string[] | string[][]>;
  /** Subresources served for GET, as discovery lists them (`pods/log`). */
  subresources?: { name: string; kind: string; verbs: string[] }[];
}

const CRD_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
const CORE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const WORKFLOWS: ResourceType = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  plural: 'workflows',
  singular: 'workflow',
  kind: 'Workflow',
  listKind: 'WorkflowList',
  namespaced: true,
  shortNames: ['wf'],
  categories: [],
  verbs: CRD_VERBS,
  custom: true,
  extraFieldSelectors: {},
};

export const WORKFLOW_ARTIFACT_GC_TASKS: ResourceType = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  plural: 'workflowartifactgctasks',
  singular: 'workflowartifactgctask',
  kind: 'WorkflowArtifactGCTask',
  listKind: 'WorkflowArtifactGCTaskList',
  namespaced: true,
  shortNames: ['wfat'],
  categories: [],
  verbs: CRD_VERBS,
  custom: true,
  extraFieldSelectors: {},
};

export const PODS: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'pods',
  singular: 'pod',
  kind: 'Pod',
  listKind: 'PodList',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: CORE_VERBS,
  custom: false,
  extraFieldSelectors: {
    'spec.nodeName': ['spec', 'nodeName'],
    'spec.restartPolicy': ['spec', 'restartPolicy'],
    'spec.schedulerName': ['spec', 'schedulerName'],
    'spec.serviceAccountName': ['spec', 'serviceAccountName'],
    'status.phase': ['status', 'phase'],
    'status.podIP': ['status', 'podIP'],
    'status.nominatedNodeName': ['status', 'nominatedNodeName'],
  },
  subresources: [{ name: 'log', kind: 'Pod', verbs: ['get'] }],
};

/**
 * Core v1 Events, with the field selectors of pkg/registry/core/event/strategy.go ToSelectableFields: the
 * involvedObject fields, reason, type, reportingComponent, and source (source.component, else
 * reportingComponent: the JSON name of ReportingController).
 */
export const EVENTS: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'events',
  singular: 'event',
  kind: 'Event',
  listKind: 'EventList',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  verbs: CORE_VERBS,
  custom: false,
  extraFieldSelectors: {
    'involvedObject.kind': ['involvedObject', 'kind'],
    'involvedObject.namespace': ['involvedObject', 'namespace'],
    'involvedObject.name': ['involvedObject', 'name'],
    'involvedObject.uid': ['involvedObject', 'uid'],
    'involvedObject.apiVersion': ['involvedObject', 'apiVersion'],
    'involvedObject.resourceVersion': ['involvedObject', 'resourceVersion'],
    'involvedObject.fieldPath': ['involvedObject', 'fieldPath'],
    reason: ['reason'],
    reportingComponent: ['reportingComponent'],
    source: [['source', 'component'], ['reportingComponent']],
    type: ['type'],
  },
};

export const NAMESPACES: ResourceType = {
  group: '',
  version: 'v1',
  plural: 'namespaces',
  singular: 'namespace',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  custom: false,
  extraFieldSelectors: { 'status.phase': ['status', 'phase'] },
};

export const RESOURCES: readonly ResourceType[] = [PODS, NAMESPACES, EVENTS, WORKFLOWS, WORKFLOW_ARTIFACT_GC_TASKS];

export function apiVersionOf(rt: ResourceType): string {
  return rt.group === '' ? rt.version : `${rt.group}/${rt.version}`;
}

export function findByPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** Resolves an object's type by kind, and by apiVersion when one is given. */
export function findByKind(kind: string, apiVersion?: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.kind === kind && (apiVersion === undefined || apiVersionOf(r) === apiVersion));
}

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}
