// A fleet of Workflows at the sizes real clusters hold, for the sweep benchmark and the sweep equivalence test.
//
// Where the distribution comes from (there is no public census of Workflow sizes, so it is built from what the
// upstream sources and issue reports say, and written down so it can be argued with):
// - Node counts: "a few hundred nodes is common, thousands happen" (issue "The sweep at real Workflow sizes");
//   Argo's own UI and offload docs speak of Workflows of hundreds to thousands of nodes. Drawn log-normal with a
//   median of 100 nodes and sigma 1.0 (p90 ~360, p99 ~1,000), capped at 3,000.
// - Node fields: what the controller writes for a Pod node (id, name, displayName, type, templateName,
//   templateScope, phase, boundaryID, startedAt, finishedAt, progress, resourcesDuration, hostNodeName,
//   inputs.parameters, outputs.artifacts with s3 keys, exitCode, children): ~700 bytes of JSON each.
// - Offload: past ~1 MB of nodes Argo offloads them (`status.offloadNodeStatusVersion`, nodes gone from the
//   object) when persistence is on; the fleet does the same, so no object exceeds what etcd would take.
// - Around the nodes: `status.storedTemplates` (five templates), `status.storedWorkflowTemplateSpec` for half
//   (submitted from a WorkflowTemplate), `metadata.managedFields` (controller and client), and a
//   `kubectl.kubernetes.io/last-applied-configuration` annotation on 30% (Argo CD-managed).
// The large parts are shared between Workflows of the same size bucket, so the in-process API server holds
// 50,000 of them in a few hundred MB while each response still serialises every byte.
import { workflow } from '../src/demo/builders.js';

type Obj = Record<string, any>;

export type FleetState =
  | 'gc-done' // no finalizer left
  | 'awaiting-deletion' // finalizer, completed, OnWorkflowDeletion artifacts, not deleted: row 5
  | 'running' // finalizer, not finished
  | 'completed-gc-stuck' // finalizer, completed, OnWorkflowCompletion artifact never collected: stuck without a deletion
  | 'terminating-stuck' // being deleted 90 minutes ago, nothing pending: removable
  | 'terminating-quiet' // being deleted 5 minutes ago: inside the quiet period
  | 'terminating-forced'; // being deleted, forceFinalizerRemoval

/** The share of each state: a cluster with a stuck-finalizer problem, not a healthy one. */
export const STATE_MIX: readonly [FleetState, number][] = [
  ['gc-done', 0.55],
  ['awaiting-deletion', 0.25],
  ['running', 0.06],
  ['completed-gc-stuck', 0.04],
  ['terminating-stuck', 0.05],
  ['terminating-quiet', 0.03],
  ['terminating-forced', 0.02],
];

export interface FleetOptions {
  count: number;
  now: Date;
  seed?: number;
  namespaces?: number;
  /** Default true: the realistic sizes. False gives the one-node Workflows of the old benchmark. */
  realistic?: boolean;
}

export interface FleetMember {
  state: FleetState;
  nodes: number;
  object: Obj;
}

/** mulberry32: a small, fast, seedable PRNG so a fleet is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const OFFLOAD_BYTES = 1024 * 1024;
/** Node counts are rounded to one of these buckets so that the big parts can be shared. */
const BUCKETS = Array.from({ length: 48 }, (_, i) => Math.max(1, Math.round(Math.exp((i / 47) * Math.log(3000)))));

function bucketOf(n: number): number {
  let best = BUCKETS[0]!;
  for (const b of BUCKETS) if (Math.abs(b - n) < Math.abs(best - n)) best = b;
  return best;
}

function podNode(prefix: string, i: number, started: string, finished: string): Obj {
  const id = `${prefix}-${(2166136261 + i * 7919) >>> 0}`;
  return {
    id,
    name: `${prefix}[0].process(${i}:shard-${i})`,
    displayName: `process(${i}:shard-${i})`,
    type: 'Pod',
    templateName: 'process-shard',
    templateScope: 'local/',
    phase: 'Succeeded',
    boundaryID: `${prefix}-1871365413`,
    startedAt: started,
    finishedAt: finished,
    progress: '1/1',
    resourcesDuration: { cpu: 41, memory: 2890 },
    hostNodeName: `ip-10-0-${i % 250}-${(i * 7) % 250}.eu-west-1.compute.internal`,
    inputs: { parameters: [{ name: 'shard', value: `shard-${i}` }, { name: 'date', value: '2026-11-30' }] },
    outputs: {
      artifacts: [
        // Never collected by GC: these extra nodes must not change what the fleet's verdicts are.
        { name: 'result', path: '/tmp/result.parquet', s3: { key: `runs/${prefix}/shard-${i}/result.parquet` }, artifactGC: { strategy: 'Never' } },
      ],
      exitCode: '0',
    },
    children: [`${prefix}-${(2166136261 + (i + 1) * 7919) >>> 0}`],
  };
}

function sharedParts(bucket: number, started: string, finished: string): { nodes: Obj; nodeBytes: number } {
  const nodes: Obj = {};
  for (let i = 0; i < bucket - 1; i++) {
    const n = podNode('fleet', i, started, finished);
    nodes[n.id] = n;
  }
  return { nodes, nodeBytes: JSON.stringify(nodes).length };
}

const STORED_TEMPLATES: Obj = Object.fromEntries(
  ['main', 'process-shard', 'fan-out', 'merge', 'publish'].map((name) => [
    `namespaced/pipeline-template/${name}`,
    {
      name,
      inputs: { parameters: [{ name: 'shard' }, { name: 'date' }] },
      outputs: { artifacts: [{ name: 'result', path: '/tmp/result.parquet', artifactGC: { strategy: 'Never' } }] },
      metadata: { labels: { team: 'data-platform' } },
      container: {
        image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pipelines/process:2026.11.3',
        command: ['python', '-m', 'pipelines.process'],
        args: ['--shard', '{{inputs.parameters.shard}}', '--date', '{{inputs.parameters.date}}', '--out', '/tmp/result.parquet'],
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
        env: Array.from({ length: 8 }, (_, i) => ({ name: `PIPELINE_SETTING_${i}`, value: `value-${i}-`.repeat(4) })),
      },
      retryStrategy: { limit: 3, retryPolicy: 'OnFailure', backoff: { duration: '30s', factor: 2 } },
    },
  ]),
);

const MANAGED_FIELDS: Obj[] = [
  { manager: 'argo', operation: 'Update', apiVersion: 'argoproj.io/v1alpha1', time: '2026-11-30T02:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:workflows.argoproj.io/completed': {}, 'f:workflows.argoproj.io/phase': {} } }, 'f:status': {} } },
  { manager: 'workflow-controller', operation: 'Update', apiVersion: 'argoproj.io/v1alpha1', time: '2026-11-30T02:07:31Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:finalizers': { '.': {}, 'v:"workflows.argoproj.io/artifact-gc"': {} } }, 'f:spec': { 'f:artifactGC': { '.': {}, 'f:strategy': {} } } } },
];

const LAST_APPLIED = JSON.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', spec: { workflowTemplateRef: { name: 'pipeline-template' }, arguments: { parameters: Array.from({ length: 40 }, (_, i) => ({ name: `p${i}`, value: `v${i}`.repeat(12) })) } } });

function pick(rand: () => number): FleetState {
  let r = rand();
  for (const [state, p] of STATE_MIX) {
    if (r < p) return state;
    r -= p;
  }
  return 'gc-done';
}

/** `count` Workflows, deterministic for a seed; the caller stores them (the large parts are shared objects). */
export function* fleet(opts: FleetOptions): Generator<FleetMember> {
  const rand = prng(opts.seed ?? 42);
  const namespaces = opts.namespaces ?? 20;
  const realistic = opts.realistic ?? true;
  const shared = new Map<number, { nodes: Obj; nodeBytes: number }>();
  const started = new Date(opts.now.getTime() - 4 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const finished = new Date(opts.now.getTime() - 3 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (let i = 0; i < opts.count; i++) {
    const state = pick(rand);
    const nodeCount = realistic ? Math.min(3000, Math.max(1, Math.round(Math.exp(Math.log(100) + normal(rand))))) : 1;
    const name = `wf-${String(i).padStart(6, '0')}`;
    const namespace = `team-${i % namespaces}`;
    const base = { name, namespace, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, now: opts.now, finishedMinutesAgo: 180 };
    let object: Obj;
    switch (state) {
      case 'gc-done':
        object = workflow({ ...base, finalizers: [], strategy: 'OnWorkflowDeletion', artifacts: [{ name: 'out', key: `k/${i}`, deleted: true }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
        break;
      case 'awaiting-deletion':
        object = workflow({ ...base, strategy: 'OnWorkflowDeletion', artifacts: [{ name: 'out', key: `k/${i}` }], strategiesProcessed: ['OnWorkflowCompletion'] });
        break;
      case 'running':
        object = workflow({ ...base, phase: 'Running', strategy: 'OnWorkflowDeletion', artifacts: [{ name: 'out', key: `k/${i}` }] });
        break;
      case 'completed-gc-stuck':
        object = workflow({ ...base, strategy: 'OnWorkflowCompletion', artifacts: [{ name: 'out', key: `k/${i}` }], strategiesProcessed: ['OnWorkflowCompletion'] });
        break;
      case 'terminating-stuck':
        object = workflow({ ...base, deletionMinutesAgo: 90, strategy: 'OnWorkflowDeletion', strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
        break;
      case 'terminating-quiet':
        object = workflow({ ...base, deletionMinutesAgo: 5, strategy: 'OnWorkflowDeletion', artifacts: [{ name: 'out', key: `k/${i}` }], strategiesProcessed: ['OnWorkflowCompletion'] });
        break;
      case 'terminating-forced':
        object = workflow({ ...base, deletionMinutesAgo: 90, strategy: 'OnWorkflowDeletion', forceFinalizerRemoval: true, artifacts: [{ name: 'out', key: `k/${i}` }], strategiesProcessed: ['OnWorkflowCompletion'] });
        break;
    }
    if (realistic) {
      const bucket = bucketOf(nodeCount);
      let parts = shared.get(bucket);
      if (!parts) {
        parts = sharedParts(bucket, started, finished);
        shared.set(bucket, parts);
      }
      const status = object.status as Obj;
      if (parts.nodeBytes > OFFLOAD_BYTES && state !== 'running') {
        // Offloaded: the object keeps no nodes, only the version of the row in the offload table.
        status.offloadNodeStatusVersion = `fnv:${(2166136261 ^ i) >>> 0}`;
        delete status.nodes;
      } else if (parts.nodeBytes <= OFFLOAD_BYTES) {
        status.nodes = { ...status.nodes, ...parts.nodes };
      }
      status.storedTemplates = STORED_TEMPLATES;
      if (i % 2 === 0) status.storedWorkflowTemplateSpec = { entrypoint: 'main', templates: Object.values(STORED_TEMPLATES) };
      const meta = object.metadata as Obj;
      meta.managedFields = MANAGED_FIELDS;
      meta.labels = { ...meta.labels, 'workflows.argoproj.io/workflow-template': 'pipeline-template', team: `team-${i % namespaces}` };
      if (i % 10 < 3) meta.annotations = { ...meta.annotations, 'kubectl.kubernetes.io/last-applied-configuration': LAST_APPLIED };
    }
    yield { state, nodes: realistic ? nodeCount : 1, object };
  }
}

/** True when the state carries the finalizer and a deletionTimestamp. */
export function isTerminating(state: FleetState): boolean {
  return state.startsWith('terminating-');
}
