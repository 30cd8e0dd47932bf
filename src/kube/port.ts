import type { JsonPatchOp } from '../domain/assessment.js';

/** A reference precise enough to GET one Workflow. Names are DNS-1123-checked before use. */
export interface WorkflowKey {
  namespace: string;
  name: string;
}

/** The raw live objects one assessment needs; the domain parses them (unknown fields kept). */
export interface RawSnapshot {
  workflow: Record<string, unknown>;
  pods: Record<string, unknown>[];
  tasks: Record<string, unknown>[];
}

/** One item of a metadata-only list: the Workflow's ObjectMeta as the API server sent it. */
export interface WorkflowMetadata {
  metadata: Record<string, unknown>;
}

export type Scope = { namespace: string } | { allNamespaces: true };

/**
 * `attempts` counts the PATCHes the transport sent: above one, an earlier try may have been applied with its
 * answer lost (a drop, a 504, a hang), so a 422 or 404 then may be our own removal (src/evaluate/README.md).
 */
export type RemoveOutcome =
  | { kind: 'patched'; status: number; workflow: Record<string, unknown>; attempts?: number }
  | { kind: 'gone'; status: 404; attempts?: number }
  | { kind: 'conflict'; status: 409 | 422; message: string; attempts?: number };

/** Which GC evidence to list, decided from the Workflow alone (`evidenceNeeded` in the domain). */
export interface SnapshotOptions {
  needs?: (workflow: Record<string, unknown>) => { pods: boolean; tasks: boolean };
}

export interface PodLogOptions {
  container: string;
  /** The server stops after this many bytes (the kubelet cuts the log's end, not its start). */
  limitBytes: number;
  tailLines?: number;
  /** The previous instance of a restarted container. */
  previous?: boolean;
}

/**
 * Reads made only for the evidence bundle (README "Evidence bundle and intent record"), on the way to a destructive action, never to decide.
 * They throw KubeError like every other call; the bundle records a failure instead of stopping on it.
 */
export interface EvidenceReads {
  /** GC tasks owned by the Workflow (a snapshot lists them only when they can change the verdict). */
  gcTasks(namespace: string, workflowUid: string): Promise<Record<string, unknown>[]>;
  /** Events in `namespace` whose involvedObject.uid is `involvedUid`. */
  events(namespace: string, involvedUid: string): Promise<Record<string, unknown>[]>;
  /** One container's log, as the API server returns it (text). */
  podLog(namespace: string, pod: string, opts: PodLogOptions): Promise<string>;
}

/** The only things the remediator ever asks of a cluster. Least privilege follows from this list. */
export interface ClusterPort extends EvidenceReads {
  /** null when the Workflow no longer exists. Lists GC pods and tasks as `needs` says (default: both). */
  snapshot(key: WorkflowKey, opts?: SnapshotOptions): Promise<RawSnapshot | null>;
  /** Workflows carrying the artifact-GC finalizer, page by page; memory bounded by one page. */
  candidates(scope: Scope, opts?: { pageSize?: number }): AsyncIterable<Record<string, unknown>>;
  /**
   * The same Workflows as `candidates`, as `PartialObjectMetadata` (metadata only): what a sweep needs to
   * pick which ones could be stuck, at a cost that follows the number of Workflows, not their status size.
   */
  candidateMetadata(scope: Scope, opts?: { pageSize?: number }): AsyncIterable<WorkflowMetadata>;
  removeFinalizer(key: WorkflowKey, patch: JsonPatchOp[]): Promise<RemoveOutcome>;
}

export type DeleteTaskOutcome = { kind: 'deleted'; status: number } | { kind: 'gone'; status: 404 } | { kind: 'replaced'; status: 409 };

/**
 * What re-arming and completing GC (README "Finishing GC") add to the cluster port: deleting a GC task (the optional
 * ClusterRole in infra/rbac/finishing/clusterrole.yaml), reading one GC pod, and a guarded status patch.
 */
export interface GcWritePort {
  /** DELETE with a uid precondition, so a task recreated meanwhile under the same name is left alone (409). */
  deleteGcTask(namespace: string, name: string, uid: string | undefined): Promise<DeleteTaskOutcome>;
  /** false once GET answers 404. */
  podExists(namespace: string, name: string): Promise<boolean>;
  /** A JSON patch whose every change is guarded by `test` ops (checked by the caller before it is sent). */
  patchWorkflow(key: WorkflowKey, patch: readonly { op: string; path: string; value?: unknown }[]): Promise<RemoveOutcome>;
}
