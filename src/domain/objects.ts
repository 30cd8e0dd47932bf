import * as z from 'zod';
import { ArtifactStorage, GcStrategy } from './assessment.js';

// Kubernetes and Argo objects as far as the rules read them. Every schema is loose: unknown fields are kept,
// because a snapshot is audited as it was read and Argo adds fields between versions.

const StringMap = z.record(z.string(), z.string());

export const OwnerReference = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  controller: z.boolean().optional(),
});

export const ObjectMeta = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().nullish(),
  finalizers: z.array(z.string()).nullish(),
  labels: StringMap.nullish(),
  annotations: StringMap.nullish(),
  ownerReferences: z.array(OwnerReference).nullish(),
});

/** Accepts the empty string Argo writes for "undefined strategy"; it means Never. */
const StrategyField = z.union([GcStrategy, z.literal('')]).optional();

export const ArtifactGC = z.looseObject({
  strategy: StrategyField,
  forceFinalizerRemoval: z.boolean().optional(),
  serviceAccountName: z.string().optional(),
});

export const Artifact = z.looseObject({
  name: z.string(),
  path: z.string().optional(),
  artifactGC: ArtifactGC.nullish(),
  deleted: z.boolean().nullish(),
  optional: z.boolean().optional(),
});
export type Artifact = z.infer<typeof Artifact>;

export const NodeStatus = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  displayName: z.string().optional(),
  type: z.string().optional(),
  templateName: z.string().optional(),
  /** A step calling a (Cluster)WorkflowTemplate's template; Argo finds the template by `templateRef.template`. */
  templateRef: z
    .looseObject({ name: z.string().optional(), template: z.string().optional(), clusterScope: z.boolean().optional() })
    .nullish(),
  phase: z.string().optional(),
  outputs: z
    .looseObject({ artifacts: z.array(Artifact).nullish() })
    .nullish(),
});
export type NodeStatus = z.infer<typeof NodeStatus>;
export const Nodes = z.record(z.string(), NodeStatus);
export type Nodes = z.infer<typeof Nodes>;

export const Condition = z.looseObject({
  type: z.string().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
});

export const WorkflowSpecPart = z.looseObject({
  artifactGC: ArtifactGC.nullish(),
});

export const Workflow = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('Workflow'),
  metadata: ObjectMeta,
  spec: WorkflowSpecPart.nullish(),
  status: z
    .looseObject({
      phase: z.string().optional(),
      startedAt: z.string().nullish(),
      finishedAt: z.string().nullish(),
      nodes: Nodes.nullish(),
      compressedNodes: z.string().nullish(),
      offloadNodeStatusVersion: z.string().nullish(),
      conditions: z.array(Condition).nullish(),
      storedWorkflowTemplateSpec: WorkflowSpecPart.nullish(),
      artifactRepositoryRef: z
        .looseObject({ artifactRepository: z.record(z.string(), z.unknown()).nullish() })
        .nullish(),
      artifactGCStatus: z
        .looseObject({
          strategiesProcessed: z.record(z.string(), z.boolean()).nullish(),
          podsRecouped: z.record(z.string(), z.boolean()).nullish(),
          notSpecified: z.boolean().nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type Workflow = z.infer<typeof Workflow>;

const ContainerState = z.looseObject({
  terminated: z.looseObject({ finishedAt: z.string().nullish(), reason: z.string().nullish(), exitCode: z.number().nullish() }).nullish(),
  waiting: z.looseObject({ reason: z.string().nullish(), message: z.string().nullish() }).nullish(),
  running: z.looseObject({ startedAt: z.string().nullish() }).nullish(),
});

export const Pod = z.looseObject({
  kind: z.literal('Pod').optional(),
  metadata: ObjectMeta,
  status: z
    .looseObject({
      phase: z.string().optional(),
      reason: z.string().nullish(),
      message: z.string().nullish(),
      containerStatuses: z.array(z.looseObject({ name: z.string().optional(), state: ContainerState.nullish() })).nullish(),
      initContainerStatuses: z.array(z.looseObject({ name: z.string().optional(), state: ContainerState.nullish() })).nullish(),
    })
    .nullish(),
});
export type Pod = z.infer<typeof Pod>;

const ArtifactResult = z.looseObject({
  name: z.string().optional(),
  success: z.boolean().nullish(),
  error: z.string().nullish(),
});

export const GcTask = z.looseObject({
  kind: z.literal('WorkflowArtifactGCTask').optional(),
  metadata: ObjectMeta,
  spec: z
    .looseObject({
      artifactsByNode: z
        .record(z.string(), z.looseObject({ artifacts: z.record(z.string(), z.unknown()).nullish() }))
        .nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      artifactResultsByNode: z
        .record(z.string(), z.looseObject({ artifactResults: z.record(z.string(), ArtifactResult).nullish() }))
        .nullish(),
    })
    .nullish(),
});
export type GcTask = z.infer<typeof GcTask>;

/**
 * What the verify action (README "Finishing GC") found at one resolved location: plain data the shell fills in, so the
 * rules stay pure. `exists: false` means HeadObject said 404 and, for a key ending in `/`, the listing was empty;
 * anything the shell could not tell (403, timeouts) is left out rather than recorded as absent.
 */
export const BucketFact = z.object({
  /** The location checked, exactly as the pending artifact's `storage`. */
  storage: ArtifactStorage,
  exists: z.boolean(),
  checkedAt: z.iso.datetime({ offset: true }),
});
export type BucketFact = z.infer<typeof BucketFact>;

/** Everything one assessment reads: the Workflow and the artifact-GC machinery that serves it. */
export interface Snapshot {
  workflow: Workflow;
  pods: Pod[];
  tasks: GcTask[];
  /** Child Workflows (ownerReference to this one). Reported, never judged with the parent. */
  children?: Workflow[];
  /** Set only once verify ran (an empty list: it had nothing to check); row 11 reads it. */
  bucketFacts?: BucketFact[];
}

export const LABEL_WORKFLOW = 'workflows.argoproj.io/workflow';
export const LABEL_COMPONENT = 'workflows.argoproj.io/component';
export const ANNOTATION_GC_STRATEGY = 'workflows.argoproj.io/artifact-gc-strategy';
export const CONDITION_GC_ERROR = 'ArtifactGCError';
