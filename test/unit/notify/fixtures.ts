import { ARTIFACT_GC_FINALIZER, type Cause } from '../../../src/domain/assessment.js';
import { SystemicAlert } from '../../../src/domain/alerts.js';
import { Decision, decisionId } from '../../../src/domain/decision.js';

// Realistic decisions, shaped after real stuck Workflows (the demo's scenarios), built through the zod
// schemas so a contract change breaks these fixtures first.

const GC_FAILED_UID = '0f6c2a9b-51e4-4b3e-9d1a-7c2f9e8b4d21';

function withId(d: Omit<Decision, 'decisionId'>): Decision {
  return Decision.parse({
    ...d,
    decisionId: decisionId({ cluster: d.cluster, uid: d.workflow.uid, resourceVersion: d.resourceVersion, verdict: d.verdict, cause: d.cause }),
  });
}

/** Example (b), credentials variant: the GC pod completed, every delete got Access Denied. */
export function gcFailedDecision(over: Partial<Decision> = {}): Decision {
  const pod = 'etl-run-q8h2d-artgc-wfdel-1104873411';
  return withId({
    cluster: 'prod-eu-1',
    workflow: { namespace: 'data', name: 'etl-run-q8h2d', uid: GC_FAILED_UID },
    resourceVersion: '88231107',
    verdict: 'notify',
    cause: 'gc-failed',
    reasons: [
      'phase Succeeded',
      'deletion requested 2026-08-18T09:00:00Z',
      `GC pod ${pod} Succeeded, recouped`,
      '2 task results with success: false',
      'finished 3h ago (quiet period 30m)',
    ],
    pendingArtifacts: [
      { node: 'etl-run-q8h2d', name: 'report', strategy: 'OnWorkflowDeletion', location: `s3://data-artifacts/etl/${GC_FAILED_UID}/report.csv` },
      { node: 'etl-run-q8h2d', name: 'main-logs', strategy: 'OnWorkflowDeletion', location: 's3://data-artifacts/etl-run-q8h2d/etl-run-q8h2d/main.log' },
    ],
    notifyOperator: true,
    evidence: {
      pods: [{ name: pod, phase: 'Succeeded', strategy: 'OnWorkflowDeletion', recouped: true }],
      tasks: [
        {
          name: `${pod}-0`,
          errors: [
            { node: 'etl-run-q8h2d', artifact: 'report', error: 'Access Denied' },
            { node: 'etl-run-q8h2d', artifact: 'main-logs', error: 'Access Denied' },
          ],
        },
      ],
      conditions: [`ArtifactGCError: Access Denied (artifactGCTask: ${pod}-0)`],
      strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'],
      forceFinalizerRemoval: false,
      finalizers: ['example.com/keep-me', ARTIFACT_GC_FINALIZER],
      deletionTimestamp: '2026-08-18T09:00:00Z',
      phase: 'Succeeded',
    },
    mode: 'remediate',
    action: 'notified',
    outcome: 'policy: gc-failed is never removed automatically',
    signal: { cluster: 'prod-eu-1', namespace: 'data', name: 'etl-run-q8h2d', uid: GC_FAILED_UID, source: 'event-exporter', reason: 'ArtifactGCFailed' },
    at: '2026-08-18T12:04:11.250Z',
    snapshotDigest: 'a3f1c0d29e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29',
    ...over,
  });
}

/** An istio-injected GC pod that never leaves Running. */
export function gcPodStuckDecision(over: Partial<Decision> = {}): Decision {
  const uid = '7d3e9a10-2b4c-4e8f-a1d2-3c4b5e6f7a8b';
  const pod = 'train-model-x9k2l-artgc-wfcomp-2166136261';
  return withId({
    cluster: 'prod-eu-1',
    workflow: { namespace: 'ml', name: 'train-model-x9k2l', uid },
    resourceVersion: '5512',
    verdict: 'notify',
    cause: 'gc-pod-stuck',
    reasons: ['phase Failed', `GC pod ${pod} Running for 2h (quiet period 30m)`, '1 pending artifact'],
    pendingArtifacts: [{ node: 'train-model-x9k2l-3312', name: 'model', strategy: 'OnWorkflowCompletion', location: `s3://ml-artifacts/models/${uid}/model.tar.gz` }],
    notifyOperator: true,
    evidence: {
      pods: [{ name: pod, phase: 'Running', strategy: 'OnWorkflowCompletion', recouped: false, reason: 'container istio-proxy still running' }],
      tasks: [{ name: `${pod}-0`, errors: [] }],
      conditions: [],
      strategiesProcessed: ['OnWorkflowCompletion'],
      forceFinalizerRemoval: false,
      finalizers: [ARTIFACT_GC_FINALIZER],
      phase: 'Failed',
    },
    mode: 'remediate',
    action: 'notified',
    outcome: 'policy: gc-pod-stuck needs a human',
    at: '2026-09-02T07:30:00Z',
    ...over,
  });
}

/** forceFinalizerRemoval with GC never run: removed, two artifacts orphaned. */
export function forceRemovalDecision(over: Partial<Decision> = {}): Decision {
  const uid = 'c2d4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f';
  return withId({
    cluster: 'staging',
    workflow: { namespace: 'batch', name: 'nightly-export-29481', uid },
    resourceVersion: '1200455',
    verdict: 'remove',
    cause: 'force-removal-declared',
    reasons: ['phase Error', 'forceFinalizerRemoval: true', 'no GC pod Pending/Running', '2 pending artifacts will be orphaned'],
    pendingArtifacts: [
      { node: 'nightly-export-29481-1', name: 'export', strategy: 'OnWorkflowDeletion', location: `s3://batch-out/exports/${uid}/export.parquet` },
      { node: 'nightly-export-29481-1', name: 'main-logs', strategy: 'OnWorkflowDeletion', location: 's3://batch-out/logs/nightly-export-29481/main.log' },
    ],
    notifyOperator: true,
    patch: [
      { op: 'test', path: '/metadata/uid', value: uid },
      { op: 'test', path: '/metadata/finalizers/0', value: ARTIFACT_GC_FINALIZER },
      { op: 'remove', path: '/metadata/finalizers/0' },
    ],
    evidence: {
      pods: [],
      tasks: [],
      conditions: [],
      strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'],
      forceFinalizerRemoval: true,
      finalizers: [ARTIFACT_GC_FINALIZER],
      deletionTimestamp: '2026-09-01T23:10:00Z',
      phase: 'Error',
    },
    mode: 'remediate',
    action: 'removed',
    outcome: 'patched',
    apiStatus: 200,
    at: '2026-09-02T00:15:00Z',
    snapshotDigest: '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
    ...over,
  });
}

/** Example (a): nested parent on v3.5.10, nothing to delete; removed quietly. */
export function noPendingRemovalDecision(over: Partial<Decision> = {}): Decision {
  const uid = '5b0f3c1e-8a2d-4f6b-9c7e-1d2e3f4a5b6c';
  return withId({
    cluster: 'prod-eu-1',
    workflow: { namespace: 'argo', name: 'parent-wf-7xk2p', uid },
    resourceVersion: '4410',
    verdict: 'remove',
    cause: 'no-pending-artifacts',
    reasons: ['phase Succeeded', '0 pending artifacts', 'finished 3h ago (quiet period 30m)'],
    pendingArtifacts: [],
    notifyOperator: false,
    patch: [
      { op: 'test', path: '/metadata/uid', value: uid },
      { op: 'test', path: '/metadata/finalizers/0', value: ARTIFACT_GC_FINALIZER },
      { op: 'remove', path: '/metadata/finalizers/0' },
    ],
    evidence: {
      pods: [],
      tasks: [],
      conditions: [],
      strategiesProcessed: [],
      forceFinalizerRemoval: false,
      finalizers: [ARTIFACT_GC_FINALIZER],
      phase: 'Succeeded',
    },
    mode: 'remediate',
    action: 'removed',
    outcome: 'patched',
    apiStatus: 200,
    at: '2026-09-02T00:20:00Z',
    ...over,
  });
}

/** Variants of one template with distinct names and uids, for digests. */
export function variants(base: (over: Partial<Decision>) => Decision, n: number, cause?: Cause): Decision[] {
  return Array.from({ length: n }, (_, i) => {
    const b = base({});
    const uid = `${String(i).padStart(8, '0')}-0000-4000-8000-${b.workflow.uid!.slice(-12)}`;
    return withId({ ...b, ...(cause ? { cause } : {}), workflow: { namespace: b.workflow.namespace, name: `${b.workflow.name}-${i}`, uid } });
  });
}

export function systemicAlert(over: Partial<SystemicAlert> = {}): SystemicAlert {
  return SystemicAlert.parse({
    cluster: 'prod-eu-1',
    alertId: 'sweep-2026-09-02T03:00:00Z',
    kind: 'sweep-cap-exceeded',
    found: 412,
    cap: 25,
    sample: Array.from({ length: 20 }, (_, i) => ({ namespace: 'data', name: `etl-run-${i}`, cause: i % 3 === 0 ? 'controller-not-reconciling' : 'gc-never-ran' })),
    at: '2026-09-02T03:00:04Z',
    ...over,
  });
}
