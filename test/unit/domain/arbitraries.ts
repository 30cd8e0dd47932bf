// fast-check generators for Workflows with their GC pods and tasks: every field the rules read, drawn from
// realistic values and from the odd ones (empty strategies, duplicate finalizers, future timestamps).
import fc from 'fast-check';
import { ARTIFACT_GC_FINALIZER } from '../../../src/domain/assessment.js';
import { NOW } from '../../fixtures/workflows.js';

const strategy = fc.constantFrom('OnWorkflowCompletion', 'OnWorkflowDeletion', 'Never', '', undefined);
const phase = fc.constantFrom('Succeeded', 'Failed', 'Error', 'Running', 'Pending', '', undefined);
const podPhase = fc.constantFrom('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown', undefined);
const time = fc.integer({ min: -3 * 86_400_000, max: 600_000 }).map((d) => new Date(NOW.getTime() + d).toISOString());
const finalizer = fc.constantFrom(ARTIFACT_GC_FINALIZER, 'foregroundDeletion', 'orphan', 'example.com/audit', 'workflows.argoproj.io/status');

const artifact = fc.record(
  {
    name: fc.constantFrom('report', 'main-logs', 'raw-data', 'model'),
    s3: fc.record({ key: fc.constantFrom('a/b.csv', 'x/main.log'), bucket: fc.option(fc.constant('bkt'), { nil: undefined }) }, { requiredKeys: ['key'] }),
    artifactGC: fc.option(fc.record({ strategy }), { nil: undefined }),
    deleted: fc.option(fc.boolean(), { nil: undefined }),
  },
  { requiredKeys: ['name', 's3'] },
);

const node = fc.record({
  type: fc.constantFrom('Pod', 'Pod', 'Pod', 'DAG', 'Steps', 'Retry', 'Skipped'),
  phase: fc.constantFrom('Succeeded', 'Failed'),
  artifacts: fc.array(artifact, { maxLength: 3 }),
});

export const workflowSnapshot = fc
  .record({
    name: fc.constantFrom('wf-a', 'etl-run-q8h2d', 'parent-wf-7xk2p'),
    uid: fc.option(fc.uuid(), { nil: undefined, freq: 10 }),
    finalizers: fc.array(finalizer, { maxLength: 5 }),
    skip: fc.constantFrom(undefined, 'true', 'false'),
    phase,
    finishedAt: fc.option(time, { nil: undefined }),
    deletionTimestamp: fc.option(time, { nil: undefined }),
    specGc: fc.option(fc.record({ strategy, forceFinalizerRemoval: fc.option(fc.boolean(), { nil: undefined }) }), { nil: undefined }),
    storedGc: fc.option(fc.record({ strategy, forceFinalizerRemoval: fc.option(fc.boolean(), { nil: undefined }) }), { nil: undefined }),
    nodes: fc.array(node, { maxLength: 6 }),
    offloaded: fc.boolean(),
    gcError: fc.boolean(),
    processed: fc.subarray(['OnWorkflowCompletion', 'OnWorkflowDeletion']),
    pods: fc.array(
      fc.record({ strategy: fc.constantFrom('wfcomp', 'wfdel'), phase: podPhase, created: time, finished: fc.option(time, { nil: undefined }), recouped: fc.boolean() }),
      { maxLength: 3 },
    ),
    tasksConfirmAll: fc.boolean(),
    taskResults: fc.array(fc.record({ artifact: fc.constantFrom('report', 'main-logs', 'raw-data', 'model'), node: fc.nat(5), success: fc.boolean() }), { maxLength: 6 }),
  })
  .map((g) => {
    const nodeIds = g.nodes.map((_, i) => `${g.name}-${1000 + i}`);
    const nodes = Object.fromEntries(
      g.nodes.map((n, i) => [nodeIds[i]!, { id: nodeIds[i], name: `${g.name}.step${i}`, type: n.type, phase: n.phase, outputs: { artifacts: n.artifacts } }]),
    );
    const podNames = g.pods.map((p, i) => `${g.name}-artgc-${p.strategy}-${2166136261 + i}`);
    const workflow = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        name: g.name,
        namespace: 'argo',
        ...(g.uid ? { uid: g.uid } : {}),
        resourceVersion: '42',
        finalizers: g.finalizers,
        ...(g.deletionTimestamp ? { deletionTimestamp: g.deletionTimestamp } : {}),
        annotations: g.skip ? { 'argo-finalizer-remediator/skip': g.skip } : {},
      },
      spec: g.specGc ? { artifactGC: g.specGc } : {},
      status: {
        ...(g.phase !== undefined ? { phase: g.phase } : {}),
        ...(g.finishedAt ? { finishedAt: g.finishedAt } : {}),
        ...(g.storedGc ? { storedWorkflowTemplateSpec: { artifactGC: g.storedGc } } : {}),
        nodes: g.offloaded ? {} : nodes,
        ...(g.offloaded ? { offloadNodeStatusVersion: 'fnv:1' } : {}),
        conditions: g.gcError ? [{ type: 'ArtifactGCError', status: 'True', message: 'boom' }] : [],
        artifactGCStatus: {
          strategiesProcessed: Object.fromEntries(g.processed.map((s) => [s, true])),
          podsRecouped: Object.fromEntries(podNames.flatMap((n, i) => (g.pods[i]!.recouped ? [[n, true]] : []))),
        },
      },
    };
    const pods = g.pods.map((p, i) => ({
      kind: 'Pod',
      metadata: {
        name: podNames[i],
        namespace: 'argo',
        creationTimestamp: p.created,
        labels: { 'workflows.argoproj.io/workflow': g.name, 'workflows.argoproj.io/component': 'artifact-gc' },
      },
      status: {
        ...(p.phase ? { phase: p.phase } : {}),
        containerStatuses: p.finished ? [{ name: 'main', state: { terminated: { finishedAt: p.finished } } }] : [],
      },
    }));
    const byNode: Record<string, { artifactResults: Record<string, { name: string; success: boolean }> }> = {};
    for (const r of g.taskResults) {
      const id = nodeIds[r.node % Math.max(1, nodeIds.length)] ?? `${g.name}-0`;
      (byNode[id] ??= { artifactResults: {} }).artifactResults[r.artifact] = { name: r.artifact, success: r.success };
    }
    // Half the time the task reports every artifact deleted: the instance-ID-trap shape.
    if (g.tasksConfirmAll) {
      g.nodes.forEach((n, i) => {
        for (const a of n.artifacts) (byNode[nodeIds[i]!] ??= { artifactResults: {} }).artifactResults[a.name] = { name: a.name, success: true };
      });
    }
    const tasks = podNames.slice(0, 1).map((n) => ({
      kind: 'WorkflowArtifactGCTask',
      metadata: { name: `${n}-0`, namespace: 'argo' },
      status: { artifactResultsByNode: byNode },
    }));
    return { workflow, pods, tasks };
  });

export const quietPeriodMs = fc.constantFrom(0, 90_000, 30 * 60_000, 2 * 3_600_000);
