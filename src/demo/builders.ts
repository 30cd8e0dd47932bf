// Builders for realistic Argo objects, shaped as the controller writes them (its GC pod and
// WorkflowArtifactGCTask naming, labels and owner references). The demo seeds its cluster with them and the
// tests build their fixtures with them.
import { ARTIFACT_GC_FINALIZER } from '../domain/assessment.js';

type Obj = Record<string, any>;
export type StrategyShort = 'wfcomp' | 'wfdel';

/** The FNV-32a offset basis: the hash suffix of a GC pod with no service account and no pod metadata. */
export const FNV_OFFSET = 2166136261;

/** `at` minutes before `now`, as Kubernetes prints times (no milliseconds). */
export function minutesBefore(now: Date, minutes: number): string {
  return new Date(now.getTime() - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A GC pod as the controller creates it: labels, strategy annotation, owned by its task. */
export function gcPod(
  wf: Obj,
  opts: {
    strategy: StrategyShort;
    phase: string;
    now: Date;
    createdMinutesAgo: number;
    finishedMinutesAgo?: number;
    waitingReason?: string;
    labels?: Record<string, string>;
  },
): Obj {
  const name = `${wf.metadata.name}-artgc-${opts.strategy}-${FNV_OFFSET}`;
  const container: Obj = { name: 'main' };
  if (opts.finishedMinutesAgo !== undefined) {
    const failed = opts.phase === 'Failed';
    container.state = { terminated: { exitCode: failed ? 1 : 0, reason: failed ? 'Error' : 'Completed', finishedAt: minutesBefore(opts.now, opts.finishedMinutesAgo) } };
  } else if (opts.waitingReason) {
    container.state = { waiting: { reason: opts.waitingReason, message: 'Back-off pulling image "quay.io/argoproj/argoexec:v3.5.8"' } };
  } else if (opts.phase === 'Running') {
    container.state = { running: { startedAt: minutesBefore(opts.now, opts.createdMinutesAgo) } };
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: wf.metadata.namespace,
      creationTimestamp: minutesBefore(opts.now, opts.createdMinutesAgo),
      labels: {
        'workflows.argoproj.io/workflow': wf.metadata.name,
        'workflows.argoproj.io/component': 'artifact-gc',
        'workflows.argoproj.io/completed': 'false',
        ...opts.labels,
      },
      annotations: { 'workflows.argoproj.io/artifact-gc-strategy': opts.strategy === 'wfcomp' ? 'OnWorkflowCompletion' : 'OnWorkflowDeletion' },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowArtifactGCTask', name: `${name}-0`, controller: true, blockOwnerDeletion: true }],
    },
    // Scheduled (a nodeName): the API server serves such a pod's logs from its kubelet.
    spec: { restartPolicy: 'Never', nodeName: 'ip-10-0-1-23.eu-west-1.compute.internal', containers: [{ name: 'main', args: ['artifact', 'delete', '--loglevel', 'info'] }] },
    status: { phase: opts.phase, containerStatuses: [container] },
  };
}

/** The task a GC pod serves, owned by the Workflow, with per-artifact results once the pod reported them. */
export function gcTask(wf: Obj, strategy: StrategyShort, results?: Record<string, Record<string, { success: boolean; error?: string }>>): Obj {
  const podName = `${wf.metadata.name}-artgc-${strategy}-${FNV_OFFSET}`;
  const artifactResultsByNode: Obj = {};
  for (const [node, byName] of Object.entries(results ?? {})) {
    artifactResultsByNode[node] = { artifactResults: Object.fromEntries(Object.entries(byName).map(([n, r]) => [n, { name: n, ...r }])) };
  }
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowArtifactGCTask',
    metadata: {
      name: `${podName}-0`,
      namespace: wf.metadata.namespace,
      labels: { 'workflows.argoproj.io/artifact-gc-pod': String(fnv32a(podName)) },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: wf.metadata.name, uid: wf.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { artifactsByNode: {} },
    status: results ? { artifactResultsByNode } : {},
  };
}

/** Argo's hash for GC pod names, task labels and node ids. */
export function fnv32a(text: string): number {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

/**
 * A single-step Workflow writing `artifacts` to S3, finished `finishedMinutesAgo`, optionally terminating.
 * Node ids follow Argo's `<wf>-<fnv32a(nodeName)>` (the root node of a single-step Workflow is `<wf>`).
 */
export function workflow(opts: {
  name: string;
  namespace: string;
  uid: string;
  now: Date;
  phase?: string;
  finishedMinutesAgo?: number;
  deletionMinutesAgo?: number;
  finalizers?: string[];
  strategy?: 'OnWorkflowCompletion' | 'OnWorkflowDeletion';
  forceFinalizerRemoval?: boolean;
  artifacts?: { name: string; key: string; deleted?: boolean; strategy?: string }[];
  strategiesProcessed?: string[];
  podsRecouped?: string[];
  conditions?: Obj[];
  bucket?: string;
}): Obj {
  const phase = opts.phase ?? 'Succeeded';
  const finished = phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
  const started = minutesBefore(opts.now, (opts.finishedMinutesAgo ?? 0) + 7);
  const artifacts = (opts.artifacts ?? []).map((a) => ({
    name: a.name,
    ...(a.name === 'main-logs' ? {} : { path: `/tmp/${a.name}` }),
    s3: { key: a.key },
    ...(a.strategy ? { artifactGC: { strategy: a.strategy } } : {}),
    ...(a.deleted !== undefined ? { deleted: a.deleted } : {}),
  }));
  const gc = { ...(opts.strategy ? { strategy: opts.strategy } : {}), ...(opts.forceFinalizerRemoval !== undefined ? { forceFinalizerRemoval: opts.forceFinalizerRemoval } : {}) };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: opts.name,
      namespace: opts.namespace,
      uid: opts.uid,
      creationTimestamp: started,
      ...(opts.deletionMinutesAgo !== undefined ? { deletionTimestamp: minutesBefore(opts.now, opts.deletionMinutesAgo), deletionGracePeriodSeconds: 0 } : {}),
      finalizers: opts.finalizers ?? [ARTIFACT_GC_FINALIZER],
      labels: {
        'workflows.argoproj.io/completed': finished ? 'true' : 'false',
        'workflows.argoproj.io/phase': phase,
      },
    },
    spec: {
      entrypoint: 'main',
      ...(Object.keys(gc).length > 0 ? { artifactGC: gc } : {}),
      templates: [{ name: 'main', container: { image: 'python:3.12', command: ['python', '/app/run.py'] }, outputs: { artifacts: artifacts.filter((a) => a.name !== 'main-logs').map(({ deleted: _d, ...a }) => a) } }],
    },
    status: {
      phase,
      startedAt: started,
      ...(finished ? { finishedAt: minutesBefore(opts.now, opts.finishedMinutesAgo ?? 0) } : {}),
      nodes: {
        [opts.name]: {
          id: opts.name, name: opts.name, displayName: opts.name, type: 'Pod', templateName: 'main', phase: finished ? phase : 'Running',
          startedAt: started,
          ...(finished ? { finishedAt: minutesBefore(opts.now, opts.finishedMinutesAgo ?? 0), outputs: { artifacts, exitCode: '0' } } : {}),
        },
      },
      conditions: [{ type: 'PodRunning', status: finished ? 'False' : 'True' }, ...(finished ? [{ type: 'Completed', status: 'True' }] : []), ...(opts.conditions ?? [])],
      artifactRepositoryRef: { configMap: 'artifact-repositories', key: 'default-v1', namespace: opts.namespace, artifactRepository: { archiveLogs: true, s3: { bucket: opts.bucket ?? 'argo-artifacts', endpoint: 's3.amazonaws.com', useSDKCreds: true } } },
      ...(finished
        ? {
            artifactGCStatus: {
              strategiesProcessed: Object.fromEntries((opts.strategiesProcessed ?? []).map((s) => [s, true])),
              ...(opts.podsRecouped?.length ? { podsRecouped: Object.fromEntries(opts.podsRecouped.map((p) => [p, true])) } : {}),
            },
          }
        : {}),
    },
  };
}

/** A core v1 Event as the API server stores it (what Argo's controller and the kubelet record). */
export function coreEvent(
  involved: Obj,
  opts: { reason: string; message: string; now: Date; minutesAgo: number; type?: 'Normal' | 'Warning'; component?: string; seq: number },
): Obj {
  const at = minutesBefore(opts.now, opts.minutesAgo);
  const meta = involved.metadata as { name: string; namespace: string; uid: string };
  const kind = String(involved.kind);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${meta.name}.${(0x18630a1b2c3d4e5fn + BigInt(opts.seq)).toString(16)}`, namespace: meta.namespace, creationTimestamp: at },
    involvedObject: { kind, namespace: meta.namespace, name: meta.name, uid: meta.uid, apiVersion: String(involved.apiVersion) },
    reason: opts.reason,
    message: opts.message,
    source: { component: opts.component ?? (kind === 'Pod' ? 'kubelet' : 'workflow-controller') },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    type: opts.type ?? 'Normal',
    reportingComponent: opts.component ?? (kind === 'Pod' ? 'kubelet' : 'workflow-controller'),
    reportingInstance: '',
  };
}

/**
 * What Argo's GC pod (`argoexec artifact delete`, logrus text format) prints: the client it built, one
 * `S3 Delete` per artifact (workflow/artifacts/s3/s3.go Delete), then either nothing more or, when the bucket
 * refuses, AccessDenied per artifact and the executor's error.
 */
export function gcPodLog(opts: { now: Date; minutesAgo: number; bucket: string; keys: string[]; role: string; denied: boolean }): string {
  const t = (ms: number) => new Date(opts.now.getTime() - opts.minutesAgo * 60_000 + ms).toISOString();
  const lines = [
    `time="${t(0)}" level=info msg="Starting Workflow Executor" version=v3.5.8`,
    `time="${t(40)}" level=info msg="Creating minio client using AWS SDK credentials"`,
    ...opts.keys.flatMap((key, i) => [
      `time="${t(100 + i * 30)}" level=info msg="S3 Delete" key=${key}`,
      `time="${t(110 + i * 30)}" level=info msg="Deleting object from s3" bucket=${opts.bucket} endpoint=s3.amazonaws.com key=${key}`,
      ...(opts.denied
        ? [`time="${t(120 + i * 30)}" level=warning msg="Failed to delete artifact: Access Denied." artifactName=${key.split('/').pop()} error="AccessDenied: User: ${opts.role} is not authorized to perform: s3:DeleteObject on resource: \\"arn:aws:s3:::${opts.bucket}/${key}\\" because no identity-based policy allows the s3:DeleteObject action"`]
        : []),
    ]),
    opts.denied ? `time="${t(900)}" level=error msg="executor error: failed to delete artifacts: Access Denied."` : `time="${t(900)}" level=info msg="Artifact GC complete" artifacts=${opts.keys.length}`,
  ];
  return lines.join('\n') + '\n';
}
