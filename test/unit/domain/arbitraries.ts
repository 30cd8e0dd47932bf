// fast-check generators for Workflows with their GC pods and tasks: every field the rules read, drawn from
// realistic values and from the odd ones (empty strategies, duplicate finalizers, future timestamps, task results
// without `success`, strategies marked `false`, resolved conditions, pods and tasks of the other strategy, the
// Workflow's own step pods in the pod list). Weighted towards Workflows the rules get past rows 1-4 with (finalizer
// present, finished, nodes readable), so every later row is reached often: invariants.test.ts counts them.
import fc from 'fast-check';
import { ARTIFACT_GC_FINALIZER, type ArtifactStorage } from '../../../src/domain/assessment.js';
import { indexTemplates, resolveArtifact, storageOf } from '../../../src/domain/locations.js';
import { Workflow } from '../../../src/domain/objects.js';
import { NOW } from '../../fixtures/workflows.js';

/** Present one time in five: for fields that, when present, decide before the rows after them are reached. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
const force = rarely(fc.boolean());
const strategy = fc.constantFrom('OnWorkflowCompletion', 'OnWorkflowDeletion', 'Never', '', undefined);
const phase = fc.oneof(
  { arbitrary: fc.constantFrom('Succeeded', 'Failed', 'Error'), weight: 4 },
  { arbitrary: fc.constantFrom('Running', 'Pending', '', undefined), weight: 1 },
);
const podPhase = fc.constantFrom('Pending', 'Running', 'Succeeded', 'Succeeded', 'Failed', 'Failed', 'Unknown', undefined);
const time = fc.integer({ min: -3 * 86_400_000, max: 600_000 }).map((d) => new Date(NOW.getTime() + d).toISOString());
const finalizer = fc.constantFrom(ARTIFACT_GC_FINALIZER, 'foregroundDeletion', 'orphan', 'example.com/audit', 'workflows.argoproj.io/status');
const otherFinalizer = fc.constantFrom<string>('foregroundDeletion', 'orphan', 'example.com/audit', 'workflows.argoproj.io/status');
/** Any list (none, duplicates), or, more often, ours once among others at any index. */
const finalizers = fc.oneof(
  { arbitrary: fc.array(finalizer, { maxLength: 5 }), weight: 1 },
  { arbitrary: fc.tuple(fc.array(otherFinalizer, { maxLength: 3 }), fc.nat()).map(([others, i]) => others.toSpliced(i % (others.length + 1), 0, ARTIFACT_GC_FINALIZER)), weight: 3 },
);
type Short = 'wfcomp' | 'wfdel';
const short = fc.constantFrom<Short>('wfcomp', 'wfdel');

/** Locations of every shape Argo's rules tell apart: full, key-only, bucket without endpoint, other drivers, none. */
const location = fc.oneof(
  fc.record({ s3: fc.record({ key: fc.constantFrom('a/b.csv', 'x/main.log', 'dir'), bucket: fc.option(fc.constant('bkt'), { nil: undefined }), endpoint: fc.option(fc.constantFrom('minio:9000', 's3.amazonaws.com'), { nil: undefined }) }, { requiredKeys: ['key'] }) }),
  fc.record({ gcs: fc.record({ key: fc.constant('g/k'), bucket: fc.option(fc.constant('gbkt'), { nil: undefined }) }, { requiredKeys: ['key'] }) }),
  fc.record({ azure: fc.record({ blob: fc.constant('az/k'), container: fc.option(fc.constant('ctr'), { nil: undefined }), endpoint: fc.option(fc.constant('https://acct.blob.core.windows.net'), { nil: undefined }) }, { requiredKeys: ['blob'] }) }),
  fc.constantFrom<Record<string, unknown>>(
    { http: { url: 'https://files.example.com/a.bin' } },
    { git: { repo: 'https://github.com/o/r.git' } },
    { raw: { data: 'x' } },
    { plugin: { name: 'p', configuration: 'c', key: 'p/k' } },
    { plugin: { name: 'p' } },
    {},
    { s3: {} },
  ),
);

const artifact = fc
  .record(
    {
      name: fc.constantFrom('report', 'main-logs', 'raw-data', 'model'),
      location,
      archiveNone: fc.boolean(),
      artifactGC: fc.option(fc.record({ strategy }), { nil: undefined }),
      deleted: rarely(fc.boolean()),
    },
    { requiredKeys: ['name', 'location', 'archiveNone'] },
  )
  .map(({ location: l, archiveNone, ...a }) => ({ ...a, ...l, ...(archiveNone ? { archive: { none: {} } } : {}) }));

const archiveLocation = fc.constantFrom<Record<string, unknown> | undefined>(
  undefined,
  { s3: { endpoint: 'minio:9000', bucket: 'tmpl-bkt', key: 'x' } },
  { s3: { bucket: 'half', key: 'x' } },
  { gcs: { bucket: 'tmpl-gcs', key: 'x' } },
  { archiveLogs: true },
);
const repository = fc.constantFrom<Record<string, unknown> | undefined>(
  undefined,
  { s3: { endpoint: 's3.amazonaws.com', bucket: 'repo-bkt', region: 'us-east-1' } },
  { gcs: { bucket: 'repo-gcs' } },
  { azure: { endpoint: 'https://repo.blob.core.windows.net', container: 'repo-ctr' } },
  { archiveLogs: true },
);

const node = fc.record({
  type: fc.constantFrom('Pod', 'Pod', 'Pod', 'DAG', 'Steps', 'Retry', 'Skipped'),
  phase: fc.constantFrom('Succeeded', 'Failed'),
  // Argo validates output artifact names as unique per template.
  artifacts: fc.uniqueArray(artifact, { maxLength: 3, selector: (a) => a.name }),
  /** How the node names its template: one in spec.templates, one by templateRef in storedTemplates, or an unknown one. */
  template: fc.constantFrom('local', 'local', 'ref', 'missing'),
});

export const workflowSnapshot = fc
  .record({
    name: fc.constantFrom('wf-a', 'etl-run-q8h2d', 'parent-wf-7xk2p'),
    uid: fc.option(fc.uuid(), { nil: undefined, freq: 10 }),
    finalizers,
    skip: fc.constantFrom(undefined, undefined, undefined, 'true', 'false'),
    phase,
    finishedAt: fc.option(time, { nil: undefined }),
    deletionTimestamp: fc.option(time, { nil: undefined }),
    specGc: fc.option(fc.record({ strategy, forceFinalizerRemoval: force }), { nil: undefined }),
    storedGc: fc.option(fc.record({ strategy, forceFinalizerRemoval: force }), { nil: undefined }),
    nodes: fc.array(node, { maxLength: 6 }),
    offloaded: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
    /** An ArtifactGCError condition: none, active (True, Unknown) or resolved (False). */
    gcError: fc.constantFrom(undefined, undefined, undefined, undefined, 'True', 'False', 'Unknown'),
    /** strategiesProcessed: absent, true, or written `false`. */
    processed: fc.record({ OnWorkflowCompletion: fc.option(fc.boolean(), { nil: undefined }), OnWorkflowDeletion: fc.option(fc.boolean(), { nil: undefined }) }),
    pods: fc.array(
      fc.record({
        strategy: short,
        phase: podPhase,
        created: time,
        finished: fc.option(time, { nil: undefined }),
        recouped: fc.boolean(),
        /** The controller's strategy annotation (the name says it too). */
        annotated: fc.boolean(),
        /** Its WorkflowArtifactGCTask still exists. */
        task: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    /** Tasks whose pod was never created (admission denied it): row 14's shape. */
    podlessTasks: fc.oneof({ arbitrary: fc.constant<Short[]>([]), weight: 2 }, { arbitrary: fc.subarray<Short>(['wfcomp', 'wfdel']), weight: 1 }),
    /** Pods in podsRecouped that are gone with their task. */
    recoupedGone: fc.oneof({ arbitrary: fc.constant<Short[]>([]), weight: 2 }, { arbitrary: fc.subarray<Short>(['wfcomp', 'wfdel']), weight: 1 }),
    /** The Workflow's own step pods, listed with it by `kubectl get wf,pods`: never GC pods. */
    stepPods: fc.array(fc.record({ phase: podPhase, created: time }), { maxLength: 2 }),
    /** Task results for every artifact: none, all `success: true`, or entries without any `success`. */
    tasksConfirmAll: fc.constantFrom('no', 'no', 'success', 'no-verdict'),
    taskResults: fc.oneof(
      { arbitrary: fc.constant([]), weight: 1 },
      {
        arbitrary: fc.array(
          fc.record({ artifact: fc.constantFrom('report', 'main-logs', 'raw-data', 'model'), node: fc.nat(5), success: fc.option(fc.boolean(), { nil: undefined }) }),
          { minLength: 1, maxLength: 6 },
        ),
        weight: 1,
      },
    ),
    archiveLocation,
    refArchiveLocation: archiveLocation,
    repository,
    /** Verify's findings: none (verify did not run), or one exists/absent fact per pending location. */
    verified: fc.constantFrom('no', 'no', 'absent', 'some-present'),
    rearm: rarely(fc.record({ count: fc.integer({ min: 1, max: 3 }), at: time })),
  })
  .map((g) => {
    const nodeIds = g.nodes.map((_, i) => `${g.name}-${1000 + i}`);
    const nodes = Object.fromEntries(
      g.nodes.map((n, i) => [
        nodeIds[i]!,
        {
          id: nodeIds[i],
          name: `${g.name}.step${i}`,
          type: n.type,
          phase: n.phase,
          ...(n.template === 'ref' ? { templateRef: { name: 'shared-wft', template: 'shared' } } : { templateName: n.template === 'local' ? 'main' : 'gone' }),
          outputs: { artifacts: n.artifacts },
        },
      ]),
    );
    const podNames = g.pods.map((p, i) => `${g.name}-artgc-${p.strategy}-${2166136261 + i}`);
    const goneNames = g.recoupedGone.map((s) => `${g.name}-artgc-${s}-3000000000`);
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
        annotations: {
          ...(g.skip ? { 'argo-finalizer-remediator/skip': g.skip } : {}),
          ...(g.rearm ? { 'argo-finalizer-remediator/rearm': JSON.stringify(g.rearm) } : {}),
        },
      },
      spec: { ...(g.specGc ? { artifactGC: g.specGc } : {}), templates: [{ name: 'main', ...(g.archiveLocation ? { archiveLocation: g.archiveLocation } : {}) }] },
      status: {
        ...(g.phase !== undefined ? { phase: g.phase } : {}),
        ...(g.finishedAt ? { finishedAt: g.finishedAt } : {}),
        ...(g.storedGc ? { storedWorkflowTemplateSpec: { artifactGC: g.storedGc } } : {}),
        nodes: g.offloaded ? {} : nodes,
        storedTemplates: { 'namespaced/shared-wft/shared': { name: 'shared', ...(g.refArchiveLocation ? { archiveLocation: g.refArchiveLocation } : {}) } },
        ...(g.repository ? { artifactRepositoryRef: { artifactRepository: g.repository } } : {}),
        ...(g.offloaded ? { offloadNodeStatusVersion: 'fnv:1' } : {}),
        conditions: g.gcError ? [{ type: 'ArtifactGCError', status: g.gcError, message: 'boom' }] : [],
        artifactGCStatus: {
          strategiesProcessed: Object.fromEntries(Object.entries(g.processed).filter(([, v]) => v !== undefined)),
          podsRecouped: Object.fromEntries([...podNames.flatMap((n, i) => (g.pods[i]!.recouped ? [[n, true]] : [])), ...goneNames.map((n) => [n, true])]),
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
        ...(p.annotated ? { annotations: { 'workflows.argoproj.io/artifact-gc-strategy': p.strategy === 'wfcomp' ? 'OnWorkflowCompletion' : 'OnWorkflowDeletion' } } : {}),
      },
      status: {
        ...(p.phase ? { phase: p.phase } : {}),
        containerStatuses: p.finished ? [{ name: 'main', state: { terminated: { finishedAt: p.finished } } }] : [],
      },
    }));
    const stepPods = g.stepPods.map((p, i) => ({
      kind: 'Pod',
      metadata: { name: `${g.name}-main-${i}`, namespace: 'argo', creationTimestamp: p.created, labels: { 'workflows.argoproj.io/workflow': g.name } },
      status: { ...(p.phase ? { phase: p.phase } : {}) },
    }));
    const byNode: Record<string, { artifactResults: Record<string, { name: string; success?: boolean }> }> = {};
    const result = (name: string, success: boolean | undefined) => ({ name, ...(success === undefined ? {} : { success }) });
    for (const r of g.taskResults) {
      const id = nodeIds[r.node % Math.max(1, nodeIds.length)] ?? `${g.name}-0`;
      (byNode[id] ??= { artifactResults: {} }).artifactResults[r.artifact] = result(r.artifact, r.success);
    }
    // A quarter of the time the task reports every artifact deleted (the instance-ID-trap shape); another quarter it
    // lists them all without a verdict, which must never count as deleted.
    if (g.tasksConfirmAll !== 'no') {
      g.nodes.forEach((n, i) => {
        for (const a of n.artifacts) (byNode[nodeIds[i]!] ??= { artifactResults: {} }).artifactResults[a.name] = result(a.name, g.tasksConfirmAll === 'success' ? true : undefined);
      });
    }
    const taskNames = [...podNames.filter((_, i) => g.pods[i]!.task), ...g.podlessTasks.map((s) => `${g.name}-artgc-${s}-4000000000`)].map((n) => `${n}-0`);
    // The results sit on the first task, as one GC pod reports them.
    const tasks = taskNames.map((name, i) => ({
      kind: 'WorkflowArtifactGCTask',
      metadata: { name, namespace: 'argo' },
      status: { artifactResultsByNode: i === 0 ? byNode : {} },
    }));
    return { workflow, pods: [...pods, ...stepPods], tasks, verified: g.verified };
  })
  .map(({ verified, ...snap }) => {
    if (verified === 'no') return snap;
    // Facts at exactly the locations the resolver gives: what verify would find looking where Argo deletes.
    const facts = pendingLocations(snap).map((storage, i) => ({ storage, exists: verified === 'some-present' && i === 0, checkedAt: NOW.toISOString() }));
    return { ...snap, bucketFacts: facts };
  });

/** The resolver's own answer for every not-deleted artifact of a Pod node: the independent side of the bucket property. */
export function pendingLocations(snap: { workflow: unknown }): ArtifactStorage[] {
  const wf = Workflow.safeParse(snap.workflow);
  if (!wf.success) return [];
  const index = indexTemplates(wf.data);
  const out: ArtifactStorage[] = [];
  for (const node of Object.values(wf.data.status?.nodes ?? {})) {
    if (node.type !== 'Pod') continue;
    for (const a of node.outputs?.artifacts ?? []) {
      if (a.deleted === true) continue;
      const r = resolveArtifact(a, node, wf.data, index);
      if (r.kind === 'resolved') out.push(storageOf(r.location));
    }
  }
  return out;
}

export const quietPeriodMs = fc.constantFrom(0, 90_000, 30 * 60_000, 2 * 3_600_000);
