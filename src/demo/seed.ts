// The demo cluster: one Workflow for each way the artifact-GC finalizer gets stuck (or does not), as the
// controller would have left it. Times are relative to the demo's clock; uids are fixed so that a re-run
// produces the same decision ids.
import { ARTIFACT_GC_FINALIZER } from '../domain/assessment.js';
import type { PodLogRef } from '../local/apiserver/index.js';
import { coreEvent, gcPod, gcPodLog, gcTask, minutesBefore, workflow } from './builders.js';

type Obj = Record<string, any>;

export interface DemoWorkflow {
  name: string;
  namespace: string;
  /** What a reader should expect, shown in the docs and asserted by the end-to-end test. */
  expect: { verdict: 'remove' | 'notify' | 'wait' | 'ignore'; cause: string };
  story: string;
}

/** An object in one of the demo's artifact buckets (a folder standing in for S3, src/buckets/folder-bucket.ts). */
export interface DemoBucketObject {
  bucket: string;
  key: string;
  body: string;
}

export interface DemoCluster {
  objects: Obj[];
  workflows: DemoWorkflow[];
  /** The artifact buckets finishing reads and deletes in: every bucket named here exists, even if empty. */
  buckets: DemoBucketObject[];
  /** What the GC pods printed, served by the API server's pods/log (the evidence bundles read them). */
  podLogs: (PodLogRef & { text: string })[];
}

const uid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function demoCluster(now: Date): DemoCluster {
  const objects: Obj[] = [];
  const workflows: DemoWorkflow[] = [];
  const podLogs: DemoCluster['podLogs'] = [];
  const buckets: DemoBucketObject[] = [];
  let seq = 0;
  /** The Events the controller and the kubelet record, as the API server keeps them. */
  const event = (about: Obj, reason: string, message: string, minutesAgo: number, type: 'Normal' | 'Warning' = 'Normal') =>
    coreEvent(about, { reason, message, now, minutesAgo, type, seq: ++seq });
  const logOf = (pod: Obj, text: string) => podLogs.push({ namespace: pod.metadata.namespace, pod: pod.metadata.name, container: 'main', text });
  const add = (wf: Obj, expect: DemoWorkflow['expect'], story: string, extra: Obj[] = []) => {
    objects.push(wf, ...extra);
    workflows.push({ name: wf.metadata.name, namespace: wf.metadata.namespace, expect, story });
  };

  // The nested parent of the v3.5.10 bug (#13556): terminating, nothing of its own to delete.
  const parent = workflow({ name: 'parent-wf-7xk2p', namespace: 'argo-workflows', uid: uid(1), now, finishedMinutesAgo: 180, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion', strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  parent.status.nodes['parent-wf-7xk2p'].type = 'Steps';
  parent.status.nodes['parent-wf-7xk2p'].outputs = {};
  const child = workflow({ name: 'child-wf-bdvxw', namespace: 'argo-workflows', uid: uid(2), now, finishedMinutesAgo: 181, finalizers: [], strategy: 'OnWorkflowDeletion', artifacts: [{ name: 'out', key: `child/${uid(2)}/out.txt`, deleted: true }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  child.metadata.ownerReferences = [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'parent-wf-7xk2p', uid: uid(1), controller: true, blockOwnerDeletion: true }];
  add(parent, { verdict: 'remove', cause: 'no-pending-artifacts' }, 'nested parent of the v3.5.10 bug, deleted 2h ago, nothing to collect', [
    event(parent, 'WorkflowSucceeded', 'Workflow completed', 180),
  ]);
  add(child, { verdict: 'ignore', cause: 'no-finalizer' }, 'its child, already collected and cleaned up');

  // GC failed on the bucket: the task says Access Denied (#9953 family).
  const denied = workflow({ name: 'etl-run-q8h2d', namespace: 'data', uid: uid(3), now, finishedMinutesAgo: 300, deletionMinutesAgo: 240, strategy: 'OnWorkflowDeletion', bucket: 'data-artifacts', artifacts: [{ name: 'report', key: `etl/${uid(3)}/report.csv` }, { name: 'main-logs', key: 'etl-run-q8h2d/etl-run-q8h2d/main.log' }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'], podsRecouped: [`etl-run-q8h2d-artgc-wfdel-2166136261`], conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'Access Denied (artifactGCTask: etl-run-q8h2d-artgc-wfdel-2166136261-0)' }] });
  const deniedPod = gcPod(denied, { strategy: 'wfdel', phase: 'Succeeded', now, createdMinutesAgo: 239, finishedMinutesAgo: 238 });
  deniedPod.metadata.uid = uid(103);
  logOf(deniedPod, gcPodLog({ now, minutesAgo: 239, bucket: 'data-artifacts', keys: [`etl/${uid(3)}/report.csv`, 'etl-run-q8h2d/etl-run-q8h2d/main.log'], role: 'arn:aws:sts::111122223333:assumed-role/data-artgc/gc', denied: true }));
  add(denied, { verdict: 'notify', cause: 'gc-failed' }, 'GC ran but the bucket said Access Denied', [
    deniedPod,
    gcTask(denied, 'wfdel', { 'etl-run-q8h2d': { report: { success: false, error: 'Access Denied' }, 'main-logs': { success: false, error: 'Access Denied' } } }),
    event(denied, 'ArtifactGCFailed', 'Artifact Garbage Collection failed for strategy OnWorkflowDeletion, pod etl-run-q8h2d-artgc-wfdel-2166136261 exited with non-zero exit code: check pod logs for more information', 238, 'Warning'),
  ]);

  // A GC pod that never starts: its image cannot be pulled.
  const stuckPod = workflow({ name: 'train-model-4kq9z', namespace: 'ml', uid: uid(4), now, finishedMinutesAgo: 200, deletionMinutesAgo: 90, strategy: 'OnWorkflowDeletion', bucket: 'ml-artifacts', artifacts: [{ name: 'model', key: `models/${uid(4)}/model.pt` }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  add(stuckPod, { verdict: 'notify', cause: 'gc-pod-stuck' }, 'GC pod stuck Pending on ImagePullBackOff for 90 minutes', [
    gcPod(stuckPod, { strategy: 'wfdel', phase: 'Pending', now, createdMinutesAgo: 89, waitingReason: 'ImagePullBackOff' }),
    gcTask(stuckPod, 'wfdel'),
  ]);

  // GC in progress right now: normal, leave it alone (example (c)).
  const inProgress = workflow({ name: 'nightly-report-5jz7c', namespace: 'reports', uid: uid(5), now, finishedMinutesAgo: 400, deletionMinutesAgo: 0.5, strategy: 'OnWorkflowDeletion', artifacts: [{ name: 'report-pdf', key: `reports/${uid(5)}/report.pdf` }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  add(inProgress, { verdict: 'wait', cause: 'gc-running' }, 'deleted 30s ago, its GC pod is running', [
    gcPod(inProgress, { strategy: 'wfdel', phase: 'Running', now, createdMinutesAgo: 0.3 }),
    gcTask(inProgress, 'wfdel'),
  ]);

  // Still running, deletion requested: never touched (the controller would re-add the finalizer).
  add(workflow({ name: 'backfill-2w8rt', namespace: 'data', uid: uid(6), now, phase: 'Running', deletionMinutesAgo: 45, strategy: 'OnWorkflowCompletion' }), { verdict: 'wait', cause: 'workflow-not-finished' }, 'deleted while still Running');

  // forceFinalizerRemoval with no GC pods (#16599, #16894): the owner declared the finalizer may go.
  const scratch = workflow({ name: 'scratch-run-x7p2m', namespace: 'sandbox', uid: uid(7), now, finishedMinutesAgo: 100, deletionMinutesAgo: 60, strategy: 'OnWorkflowDeletion', forceFinalizerRemoval: true, artifacts: [{ name: 'tmp-out', key: `scratch/${uid(7)}/out.bin` }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  add(scratch, { verdict: 'remove', cause: 'force-removal-declared' }, 'forceFinalizerRemoval: true, GC never created a pod', [
    event(scratch, 'WorkflowSucceeded', 'Workflow completed', 100),
  ]);

  // The instance-ID trap (F1.11): the GC pod deleted everything, the controller never saw the pod finish.
  const trapped = workflow({ name: 'ingest-daily-m3n8b', namespace: 'data', uid: uid(8), now, finishedMinutesAgo: 150, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion', bucket: 'data-artifacts', artifacts: [{ name: 'snapshot', key: `ingest/${uid(8)}/snapshot.parquet` }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  trapped.metadata.labels['workflows.argoproj.io/controller-instanceid'] = 'argo-workflow';
  const trappedPod = gcPod(trapped, { strategy: 'wfdel', phase: 'Succeeded', now, createdMinutesAgo: 119, finishedMinutesAgo: 118, labels: { ARGO_INSTANCE_ID: 'argo-workflow' } });
  trappedPod.metadata.uid = uid(108);
  logOf(trappedPod, gcPodLog({ now, minutesAgo: 119, bucket: 'data-artifacts', keys: [`ingest/${uid(8)}/snapshot.parquet`], role: 'arn:aws:sts::111122223333:assumed-role/data-artgc/gc', denied: false }));
  add(trapped, { verdict: 'remove', cause: 'gc-succeeded-unrecouped' }, 'GC pod succeeded, the controller (instanceID) never recouped it', [
    trappedPod,
    event(trappedPod, 'Completed', 'Container main completed', 118),
    gcTask(trapped, 'wfdel', { 'ingest-daily-m3n8b': { snapshot: { success: true } } }),
  ]);

  // Completed, not deleted, artifacts waiting for deletion: the finalizer is doing its job.
  add(
    workflow({ name: 'monthly-close-p9c4d', namespace: 'finance', uid: uid(9), now, finishedMinutesAgo: 600, strategy: 'OnWorkflowDeletion', artifacts: [{ name: 'ledger', key: `close/${uid(9)}/ledger.csv` }], strategiesProcessed: ['OnWorkflowCompletion'] }),
    { verdict: 'ignore', cause: 'awaiting-deletion' },
    'completed, keeps its artifacts until it is deleted',
  );

  // Healthy: GC done, the controller already removed the finalizer.
  for (const [i, name] of ['hello-world-8xv2k', 'hello-world-q4m7n'].entries()) {
    add(
      workflow({ name, namespace: 'argo-workflows', uid: uid(10 + i), now, finishedMinutesAgo: 30 + i, finalizers: [], strategy: 'OnWorkflowCompletion', artifacts: [{ name: 'greeting', key: `hello/${uid(10 + i)}/greeting.txt`, deleted: true }], strategiesProcessed: ['OnWorkflowCompletion'] }),
      { verdict: 'ignore', cause: 'no-finalizer' },
      'healthy: GC done, finalizer gone',
    );
  }
  // Finishing GC (README "Finishing GC"): the three actions the demo's configuration turns on, one namespace each
  // (DEMO_FINISHING), and one left to an approval from Slack. Their buckets are folders under the demo's output.
  const failedGc = (wf: Obj, errors: Record<string, string>, minutesAgo: number) => {
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Failed', now, createdMinutesAgo: minutesAgo, finishedMinutesAgo: minutesAgo - 1 });
    const results = Object.fromEntries(Object.entries(errors).map(([name, error]) => [name, { success: false, error }]));
    return [pod, gcTask(wf, 'wfdel', { [wf.metadata.name]: results })];
  };

  // verify: an optional output that was never written; GC failed on the missing key. The bucket holds nothing
  // under this Workflow's prefix, so verify proves it absent and row 11 lets the finalizer go.
  const neverWritten = workflow({ name: 'sensor-import-h4k7w', namespace: 'sensors', uid: uid(20), now, finishedMinutesAgo: 240, deletionMinutesAgo: 180, strategy: 'OnWorkflowDeletion', bucket: 'demo-sensors', artifacts: [{ name: 'rejects', key: 'sensor-import-h4k7w/rejects.csv' }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'], podsRecouped: ['sensor-import-h4k7w-artgc-wfdel-2166136261'], conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'NoSuchKey: The specified key does not exist.' }] });
  add(neverWritten, { verdict: 'remove', cause: 'artifacts-verified-absent' }, 'finishing verify: GC failed on an output never written; the bucket has nothing, finalizer removed (row 11)', failedGc(neverWritten, { rejects: 'NoSuchKey: The specified key does not exist.' }, 179));
  buckets.push({ bucket: 'demo-sensors', key: 'other-run-z9z9z/rejects.csv', body: 'id,reason\n' });

  // complete: GC's role was denied; the remediator's own role deletes the two objects, verifies them gone and
  // marks the artifacts deleted, so Argo removes the finalizer by its own rule.
  const lake = workflow({ name: 'lake-compact-9tq2c', namespace: 'lake', uid: uid(21), now, finishedMinutesAgo: 300, deletionMinutesAgo: 200, strategy: 'OnWorkflowDeletion', bucket: 'demo-lake', artifacts: [{ name: 'manifest', key: 'lake-compact-9tq2c/manifest.json' }, { name: 'main-logs', key: 'lake-compact-9tq2c/lake-compact-9tq2c/main.log' }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'], podsRecouped: ['lake-compact-9tq2c-artgc-wfdel-2166136261'], conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'Access Denied' }] });
  // Its decision is the state after the completion: nothing pending, so Argo's controller lets the finalizer go.
  add(lake, { verdict: 'remove', cause: 'no-pending-artifacts' }, 'finishing complete: GC got Access Denied; the objects are deleted from "AWS" and the artifacts marked deleted', failedGc(lake, { manifest: 'Access Denied', 'main-logs': 'Access Denied' }, 199));
  buckets.push({ bucket: 'demo-lake', key: 'lake-compact-9tq2c/manifest.json', body: '{"files": 12}\n' }, { bucket: 'demo-lake', key: 'lake-compact-9tq2c/lake-compact-9tq2c/main.log', body: 'compacted 12 files\n' });

  // rearm: an admission webhook denied the GC pod (argo #14355): the task exists, no pod ever did. Re-arming
  // deletes the task and clears the strategy's processed mark; the controller would then run GC again.
  const denied403 = workflow({ name: 'batch-export-2m6xd', namespace: 'batch', uid: uid(22), now, finishedMinutesAgo: 150, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion', bucket: 'demo-batch', artifacts: [{ name: 'export', key: 'batch-export-2m6xd/export.parquet' }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  add(denied403, { verdict: 'wait', cause: 'gc-rearmed' }, 'finishing rearm: the GC pod was denied by a webhook; task deleted, GC status cleared for the controller', [
    gcTask(denied403, 'wfdel'),
    event(denied403, 'ArtifactGCPodCreateFailed', 'admission webhook "policy.example.com" denied the request: pods must set runAsNonRoot', 119, 'Warning'),
  ]);

  // complete, with an approval: the same failure in a namespace where completion needs a click in Slack.
  const warehouse = workflow({ name: 'dbt-nightly-6fj3p', namespace: 'warehouse', uid: uid(23), now, finishedMinutesAgo: 260, deletionMinutesAgo: 210, strategy: 'OnWorkflowDeletion', bucket: 'demo-warehouse', artifacts: [{ name: 'run-results', key: 'dbt-nightly-6fj3p/run_results.json' }, { name: 'docs', key: 'dbt-nightly-6fj3p/docs/' }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'], podsRecouped: ['dbt-nightly-6fj3p-artgc-wfdel-2166136261'], conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'Access Denied' }] });
  add(warehouse, { verdict: 'notify', cause: 'gc-failed' }, 'GC got Access Denied; completion needs an approval: its message offers Complete from AWS', failedGc(warehouse, { 'run-results': 'Access Denied', docs: 'Access Denied' }, 209));
  buckets.push(
    { bucket: 'demo-warehouse', key: 'dbt-nightly-6fj3p/run_results.json', body: '{"results": []}\n' },
    { bucket: 'demo-warehouse', key: 'dbt-nightly-6fj3p/docs/index.html', body: '<html></html>\n' },
    { bucket: 'demo-warehouse', key: 'dbt-nightly-6fj3p/docs/catalog.json', body: '{}\n' },
  );
  buckets.push({ bucket: 'demo-batch', key: 'batch-export-2m6xd/export.parquet', body: 'PAR1' });

  return { objects, workflows, podLogs, buckets };
}

/**
 * What the demo lets finishing do (README "Finishing GC"): each action on in its own namespace, completion in
 * `warehouse` only with an approval, Retry GC with an approval everywhere else; the buckets above allow-listed
 * under each Workflow's own name.
 */
export const DEMO_FINISHING = {
  defaults: { rearm: 'approval' },
  clusters: {
    demo: {
      namespaces: {
        sensors: { verify: 'auto' },
        lake: { complete: 'auto' },
        batch: { rearm: 'auto' },
        warehouse: { complete: 'approval' },
      },
    },
  },
  buckets: ['demo-sensors', 'demo-lake', 'demo-batch', 'demo-warehouse'].map((bucket) => ({ bucket, keyPrefixes: ['{{workflow.name}}/'] })),
} as const;

/** What kubernetes-event-exporter puts on the bus for a Workflow event (EnhancedEvent in an EventBridge envelope). */
export function exporterEvent(wf: Obj, reason: string, opts: { cluster: string; now: Date; seq: number; type?: 'Normal' | 'Warning'; message?: string }): Obj {
  const at = minutesBefore(opts.now, 0);
  return {
    version: '0',
    id: `00000000-0000-4000-9000-${String(opts.seq).padStart(12, '0')}`,
    'detail-type': 'kubernetes-event',
    source: 'k8s.event-exporter',
    account: '000000000000',
    time: at,
    region: 'local',
    resources: [],
    detail: {
      metadata: { name: `${wf.metadata.name}.${(0x1862f0c3a7b4e2d1n + BigInt(opts.seq)).toString(16)}`, namespace: wf.metadata.namespace, uid: `e${String(opts.seq).padStart(7, '0')}-0000-4000-8000-000000000000`, resourceVersion: String(48_000_000 + opts.seq), creationTimestamp: at },
      reason,
      message: opts.message ?? `Workflow ${reason.replace(/^Workflow/, '').toLowerCase()}`,
      source: { component: 'workflow-controller' },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type: opts.type ?? 'Normal',
      eventTime: null,
      reportingComponent: 'workflow-controller',
      reportingInstance: '',
      clusterName: opts.cluster,
      involvedObject: {
        kind: 'Workflow',
        namespace: wf.metadata.namespace,
        name: wf.metadata.name,
        uid: wf.metadata.uid,
        apiVersion: 'argoproj.io/v1alpha1',
        resourceVersion: wf.metadata.resourceVersion ?? '1',
        labels: wf.metadata.labels,
        deleted: !!wf.metadata.deletionTimestamp,
      },
    },
  };
}

export { ARTIFACT_GC_FINALIZER };
