import * as z from 'zod';

/** The finalizer this product exists to remove, and the only one it ever touches. */
export const ARTIFACT_GC_FINALIZER = 'workflows.argoproj.io/artifact-gc';
/** Opt-out annotation: a Workflow carrying it with value "true" is never touched. */
export const SKIP_ANNOTATION = 'argo-finalizer-remediator/skip';

export const Verdict = z.enum(['remove', 'notify', 'wait', 'ignore']);
export type Verdict = z.infer<typeof Verdict>;

/** Cause codes are part of the public contract (README "The decision, in plain words"); order here is evaluation order. */
export const Cause = z.enum([
  'no-finalizer',
  'opted-out',
  'workflow-not-finished',
  'nodes-unavailable',
  'awaiting-deletion',
  'gc-running',
  'gc-awaiting-recoup',
  'gc-rearmed',
  'gc-not-started',
  'quiet-period',
  'no-pending-artifacts',
  'gc-pod-stuck',
  'gc-succeeded-unrecouped',
  'force-removal-declared',
  'artifacts-verified-absent',
  'gc-unsupported-driver',
  'gc-failed',
  'gc-pod-missing',
  'gc-never-ran',
  'controller-not-reconciling',
  'gc-rearm-failed',
]);
export type Cause = z.infer<typeof Cause>;

export const GcStrategy = z.enum(['OnWorkflowCompletion', 'OnWorkflowDeletion', 'Never']);
export type GcStrategy = z.infer<typeof GcStrategy>;

export const JsonPatchOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('test'), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal('remove'), path: z.string() }),
]);
export type JsonPatchOp = z.infer<typeof JsonPatchOp>;

export const WorkflowRef = z.object({
  namespace: z.string(),
  name: z.string(),
  uid: z.string().optional(),
});
export type WorkflowRef = z.infer<typeof WorkflowRef>;

/** Every storage driver Argo has (ArtifactLocation, workflow_types.go L1386-1418 at v4.1.2). */
export const StorageDriver = z.enum(['s3', 'gcs', 'azure', 'oss', 'hdfs', 'http', 'artifactory', 'git', 'raw', 'plugin']);
export type StorageDriver = z.infer<typeof StorageDriver>;

/**
 * An artifact's location as Argo's driver uses it when it deletes (README "The decision, in plain words" "Locations"). Addresses only:
 * no secret selector, no credential, no query string ever appears here.
 */
export const ArtifactStorage = z.object({
  driver: StorageDriver,
  /** S3/OSS host, Azure account URL, HTTP/Artifactory origin, HDFS namenodes (comma-joined), git repository. */
  endpoint: z.string().optional(),
  /** The bucket; the container for Azure. Absent for drivers without one. */
  bucket: z.string().optional(),
  /** Object key, Azure blob, HDFS path, URL path (HTTP, Artifactory), plugin key. Absent for git and raw. */
  key: z.string().optional(),
  region: z.string().optional(),
  /** S3 `addressingStyle` (Argo 4.x): `path` or `virtual-hosted`. */
  addressingStyle: z.string().optional(),
  /** The artifact driver plugin's name (Argo 4.x `plugin:` locations). */
  plugin: z.string().optional(),
});
export type ArtifactStorage = z.infer<typeof ArtifactStorage>;

export const PendingArtifact = z.object({
  node: z.string(),
  name: z.string(),
  strategy: GcStrategy,
  /** Display URL such as s3://bucket/key; absent when the location cannot be resolved. */
  location: z.string().optional(),
  /** The resolved location (see ArtifactStorage); absent when never uploaded or unresolved. */
  storage: ArtifactStorage.optional(),
  /** No key and no location: the node failed before uploading it (argo #13161). Never an orphan. */
  neverUploaded: z.literal(true).optional(),
  /** Why an uploaded artifact has no `storage`: Argo's GC could not resolve it either. */
  unresolved: z.string().optional(),
});
export type PendingArtifact = z.infer<typeof PendingArtifact>;

/** An `archive: none` S3 artifact whose key lacks the trailing `/` and whose GC reported success (argo #14387). */
export const SuspectedDirectoryOrphan = z.object({
  node: z.string(),
  name: z.string(),
  location: z.string(),
  storage: ArtifactStorage,
});
export type SuspectedDirectoryOrphan = z.infer<typeof SuspectedDirectoryOrphan>;

/** What the GC machinery showed at assessment time: the evidence a human needs to act on a notify. */
export const GcEvidence = z.object({
  pods: z.array(
    z.object({ name: z.string(), phase: z.string(), strategy: z.string().optional(), recouped: z.boolean(), reason: z.string().optional() }),
  ),
  tasks: z.array(
    z.object({ name: z.string(), errors: z.array(z.object({ node: z.string(), artifact: z.string(), error: z.string() })) }),
  ),
  conditions: z.array(z.string()),
  strategiesProcessed: z.array(z.string()),
  forceFinalizerRemoval: z.boolean(),
  finalizers: z.array(z.string()),
  deletionTimestamp: z.string().optional(),
  phase: z.string().optional(),
  /** The re-arm record (annotation argo-finalizer-remediator/rearm), when the remediator re-armed GC. */
  rearm: z.object({ count: z.number().int(), at: z.string() }).optional(),
  /** For `gc-rearm-failed`: the cause the table's row gave, kept so nothing is hidden. */
  rowCause: z.string().optional(),
  /** The cluster's configured Argo version, and the reading of strategiesProcessed it implies (argo #16897). */
  argoVersion: z.string().optional(),
  processedReading: z.enum(['attempted', 'created', 'unknown']).optional(),
});
export type GcEvidence = z.infer<typeof GcEvidence>;

export const Assessment = z.object({
  workflow: WorkflowRef,
  resourceVersion: z.string().optional(),
  verdict: Verdict,
  cause: Cause,
  reasons: z.array(z.string()),
  pendingArtifacts: z.array(PendingArtifact),
  /** Always listed by assess (possibly empty); optional so decisions written before it still parse. */
  suspectedDirectoryOrphans: z.array(SuspectedDirectoryOrphan).optional(),
  notifyOperator: z.boolean(),
  patch: z.array(JsonPatchOp).optional(),
  /** For a `wait` inside the quiet period: when the quiet period ends and a re-check can conclude. */
  quietUntil: z.string().optional(),
  evidence: GcEvidence,
});
export type Assessment = z.infer<typeof Assessment>;
