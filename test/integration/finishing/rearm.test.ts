import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { FolderBucket } from '../../../src/buckets/folder-bucket.js';
import { finishingPolicyFor } from '../../../src/config/finishing-policy.js';
import { RemediatorConfig } from '../../../src/config/schema.js';
import * as build from '../../../src/demo/builders.js';
import { readRearm } from '../../../src/domain/rearm.js';
import { CasDailyLedger, FolderVersionedStore, invocationBudget, runFinishing } from '../../../src/finishing/index.js';
import { FolderEvidenceSink } from '../../../src/evidence/folder-sink.js';
import { RecordingEvidenceSink } from '../../helpers/evidence.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalApiServer, portOn, useLocalCluster, WORKFLOW_PATH } from '../kube/local-cluster.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const NS = 'data';
const NAME = 'etl-7q2kd';
const POD = `${NAME}-artgc-wfcomp-${build.FNV_OFFSET}`;
const TASK = `${POD}-0`;
const TASKS_PATH = `/apis/argoproj.io/v1alpha1/namespaces/${NS}/workflowartifactgctasks/${TASK}`;
const POD_PATH = `/api/v1/namespaces/${NS}/pods/${POD}`;

function rbac(files: string[]) {
  const docs = files.flatMap((f) => parseAllDocuments(readFileSync(fileURLToPath(new URL(`../../../infra/rbac/${f}`, import.meta.url)), 'utf8')).map((d) => d.toJS() as { kind: string }));
  return { clusterRoles: docs.filter((d) => d.kind === 'ClusterRole'), bindings: docs.filter((d) => d.kind === 'ClusterRoleBinding') };
}

const config = (mode: 'remediate' | 'dry-run' = 'remediate') =>
  RemediatorConfig.parse({
    clusters: [{ name: 'prod', auth: { type: 'kubeconfig' }, mode }],
    finishing: { defaults: { rearm: 'auto' }, rearm: { maxAttempts: 2, podGoneTimeoutSeconds: 10, podGonePollSeconds: 1 } },
  });

/** GC ran on AccessDenied and failed: the pod is Failed and recouped, the task holds the error. */
function seed(server: LocalApiServer): void {
  const wf = build.workflow({
    name: NAME, namespace: NS, uid: 'wf-uid-1', now: NOW, finishedMinutesAgo: 120, strategy: 'OnWorkflowCompletion',
    artifacts: [{ name: 'report', key: `${NAME}/${NAME}/report.tgz` }, { name: 'main-logs', key: `${NAME}/${NAME}/main.log` }],
    strategiesProcessed: ['OnWorkflowCompletion'], podsRecouped: [POD],
    conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'AccessDenied: Access Denied' }],
  });
  server.store.put(wf);
  const task = server.store.put(build.gcTask(wf, 'wfcomp', { [NAME]: { report: { success: false, error: 'AccessDenied: Access Denied' }, 'main-logs': { success: false, error: 'AccessDenied: Access Denied' } } }));
  const pod = build.gcPod(wf, { strategy: 'wfcomp', phase: 'Failed', now: NOW, createdMinutesAgo: 110, finishedMinutesAgo: 109 });
  pod.metadata.ownerReferences[0].uid = task.metadata.uid;
  server.store.put(pod);
}

/** The evidence bundle and intent record, written for real (src/evidence) into a folder, noting the cluster writes before each. */
const recordingSink = (server: () => LocalApiServer) => new RecordingEvidenceSink(new FolderEvidenceSink(mkdtempSync(join(tmpdir(), 'afr-rearm-evidence-'))), () => writes(server()).length);

const writes = (server: LocalApiServer) => server.requests.filter((r) => r.method !== 'GET');

describe('rearm against the local API server (on the wire)', () => {
  const cluster = useLocalCluster({ rbac: rbac(['clusterrole.yaml', 'clusterrolebinding.yaml', 'finishing/clusterrole.yaml']), clock: () => NOW });
  let server: LocalApiServer;
  let evidence: RecordingEvidenceSink;
  let now: Date;
  beforeEach(() => {
    server = cluster();
    for (const kind of ['Pod', 'WorkflowArtifactGCTask', 'Workflow']) for (const o of server.store.list({ kind })) server.store.remove(o);
    seed(server);
    evidence = recordingSink(() => server);
    now = new Date(NOW);
  });
  const run = (mode: 'remediate' | 'dry-run' = 'remediate') => {
    const cfg = config(mode);
    const policy = finishingPolicyFor(cfg, 'prod', NS);
    return runFinishing('rearm', { namespace: NS, name: NAME }, { cluster: 'prod', policy, quietPeriodMs: 30 * 60_000 }, {
      cluster: portOn(server).port,
      bucket: new FolderBucket('/nonexistent'),
      evidence: { sink: evidence },
      budget: invocationBudget(policy.caps),
      ledger: new CasDailyLedger(new FolderVersionedStore(mkdtempSync(join(tmpdir(), 'afr-rearm-ledger-')))),
      clock: () => now,
      sleep: async (ms) => void (now = new Date(now.getTime() + ms)),
    });
  };

  it('bundle and intent first, then DELETE the task, poll the pod gone, then one guarded PATCH', async () => {
    const result = await run();
    expect(result).toMatchObject({ outcome: 'rearmed', applied: true, apiStatus: 200, rearm: { attempt: 1, strategies: ['OnWorkflowCompletion'], tasksDeleted: [TASK], podsAwaited: [POD] } });
    const intents = await evidence.intents();
    expect(intents).toHaveLength(1);
    expect(evidence.puts.every((p) => p.destructiveBefore === 0)).toBe(true);
    expect(intents[0]!.record.action).toMatchObject({ kind: 'rearm', details: { tasks: [{ name: TASK }], pods: [POD], recouped: [POD], processed: ['OnWorkflowCompletion'], attempt: 1 } });
    // The GC pod's log is in the bundle: deleting its task deletes the pod, and with it the only record of why GC failed.
    const prefix = intents[0]!.record.evidence.key;
    expect(evidence.bundleKeys(prefix)).toEqual(expect.arrayContaining([`${prefix}manifest.json`, `${prefix}gc-pods.json`, `${prefix}gc-tasks.json`, `${prefix}logs/${POD}/main.log`]));
    expect(result.evidence?.intentKey).toBe(intents[0]!.key);

    const wire = server.requests.filter((r) => r.method !== 'GET' || r.path === POD_PATH).map((r) => [r.method, r.path, r.status]);
    expect(wire).toEqual([
      ['DELETE', TASKS_PATH, 200],
      ['GET', POD_PATH, 404],
      ['PATCH', WORKFLOW_PATH(NS, NAME), 200],
    ]);
    const del = server.requests.find((r) => r.method === 'DELETE')!;
    expect(del.body).toMatchObject({ preconditions: { uid: expect.any(String) } });
    expect(del.query).toMatchObject({ propagationPolicy: 'Background' });
    const patch = server.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.contentType).toContain('application/json-patch+json');
    const rv = (patch.body as { op: string; path: string; value?: unknown }[])[1]!.value;
    expect(patch.body).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'wf-uid-1' },
      { op: 'test', path: '/metadata/resourceVersion', value: rv },
      { op: 'test', path: '/status/artifactGCStatus/strategiesProcessed/OnWorkflowCompletion', value: true },
      { op: 'test', path: `/status/artifactGCStatus/podsRecouped/${POD}`, value: true },
      { op: 'remove', path: '/status/artifactGCStatus/strategiesProcessed/OnWorkflowCompletion' },
      { op: 'remove', path: `/status/artifactGCStatus/podsRecouped/${POD}` },
      { op: 'add', path: '/metadata/annotations', value: { 'argo-finalizer-remediator/rearm': JSON.stringify({ count: 1, at: NOW.toISOString() }) } },
    ]);
    const wf = server.store.get({ kind: "Workflow", namespace: NS, name: NAME }) as any;
    expect(wf.status.artifactGCStatus).toEqual({ strategiesProcessed: {}, podsRecouped: {} });
    expect(wf.metadata.finalizers).toEqual(['workflows.argoproj.io/artifact-gc']);
    expect(readRearm(wf.metadata.annotations)?.count).toBe(1);
    expect(server.store.get({ kind: 'WorkflowArtifactGCTask', namespace: NS, name: TASK })).toBeUndefined();
    expect(server.store.get({ kind: 'Pod', namespace: NS, name: POD })).toBeUndefined();
  });

  it('a GC pod that will not go: polls until the bound, then stops without touching the status', async () => {
    server.store.mutate({ kind: 'Pod', namespace: NS, name: POD }, (p) => void (p.metadata.finalizers = ['example.com/hold']));
    const result = await run();
    expect(result).toMatchObject({ outcome: 'rearm stopped: GC pods still there after their tasks were deleted', applied: true });
    expect(server.requests.filter((r) => r.path === POD_PATH).length).toBeGreaterThanOrEqual(10);
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    const wf = server.store.get({ kind: "Workflow", namespace: NS, name: NAME }) as any;
    expect(wf.status.artifactGCStatus.podsRecouped).toEqual({ [POD]: true });
  });

  it('a controller write between our read and our PATCH fails the test (422): re-read, re-planned, never forced', async () => {
    server.faults.onBeforeWrite(({ store }) => void store.mutate({ kind: 'Workflow', namespace: NS, name: NAME }, (wf: any) => void (wf.status.progress = '1/1')), {
      times: 1,
      method: 'PATCH',
      pathRegex: `^${WORKFLOW_PATH(NS, NAME)}$`,
    });
    const result = await run();
    expect(result.outcome).toBe('rearmed');
    expect(result.reasons.join(' ')).toContain('PATCH answered 422');
    const patches = server.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => p.status)).toEqual([422, 200]);
    const [firstRv, secondRv] = patches.map((p) => (p.body as { value?: unknown }[])[1]!.value);
    expect(firstRv).not.toBe(secondRv);
  });

  it('two conflicts in a row: retryable, and the status is left as the controller wrote it', async () => {
    server.faults.onBeforeWrite(({ store }) => void store.mutate({ kind: 'Workflow', namespace: NS, name: NAME }, (wf: any) => void (wf.status.progress = String(Math.random()))), {
      times: 2,
      method: 'PATCH',
      pathRegex: `^${WORKFLOW_PATH(NS, NAME)}$`,
    });
    const result = await run();
    expect(result).toMatchObject({ outcome: 'conflict-twice', retryable: true });
    expect(server.requests.filter((r) => r.method === 'PATCH').map((p) => p.status)).toEqual([422, 422]);
    expect((server.store.get({ kind: "Workflow", namespace: NS, name: NAME }) as any).status.artifactGCStatus.podsRecouped).toEqual({ [POD]: true });
  });

  it('dry run: says what it would do and sends no write', async () => {
    const result = await run('dry-run');
    expect(result.outcome).toBe('would-rearm (dry run)');
    expect(result.reasons[0]).toContain(`delete 1 GC task(s) (${TASK})`);
    expect(writes(server)).toHaveLength(0);
    expect(evidence.puts).toHaveLength(0);
  });

  it('no evidence bundle, no action: a guard failure sends nothing', async () => {
    evidence.fail = new Error('evidence bucket refused the bundle (503)');
    await expect(run()).rejects.toThrow('evidence bucket refused');
    expect(writes(server)).toHaveLength(0);
  });

  it('the attempt count is kept, and past maxAttempts nothing is offered', async () => {
    expect((await run()).outcome).toBe('rearmed');
    // The controller would now re-run GC; here it fails again the same way.
    const wf = server.store.get({ kind: "Workflow", namespace: NS, name: NAME }) as any;
    server.store.mutate({ kind: 'Workflow', namespace: NS, name: NAME }, (w: any) => void (w.status.artifactGCStatus = { strategiesProcessed: { OnWorkflowCompletion: true }, podsRecouped: { [POD]: true } }));
    seedTaskAndPod(server, wf);
    now = new Date(NOW.getTime() + 3 * 3600_000);
    const second = await run();
    expect(second).toMatchObject({ outcome: 'rearmed', rearm: { attempt: 2 } });
    server.store.mutate({ kind: 'Workflow', namespace: NS, name: NAME }, (w: any) => void (w.status.artifactGCStatus = { strategiesProcessed: { OnWorkflowCompletion: true }, podsRecouped: { [POD]: true } }));
    seedTaskAndPod(server, wf);
    now = new Date(NOW.getTime() + 6 * 3600_000);
    const third = await run();
    expect(third.outcome).toBe('not-eligible');
    // The assessment itself now says gc-rearm-failed (README "The decision, in plain words" note); the plan would refuse on the count too.
    expect(third.reasons[0]).toMatch(/gc-rearm-failed|re-armed 2 time\(s\) already/);
  });
});

describe('rearm without the optional ClusterRole', () => {
  const cluster = useLocalCluster({ clock: () => NOW });
  it('stops at the DELETE with a 403 naming the verb and resource; nothing patched', async () => {
    const server = cluster();
    seed(server);
    const policy = finishingPolicyFor(config(), 'prod', NS);
    const evidence = recordingSink(() => server);
    const err = await runFinishing('rearm', { namespace: NS, name: NAME }, { cluster: 'prod', policy, quietPeriodMs: 30 * 60_000 }, {
      cluster: portOn(server).port,
      bucket: new FolderBucket('/nonexistent'),
      evidence: { sink: evidence },
      budget: invocationBudget(policy.caps),
      ledger: new CasDailyLedger(new FolderVersionedStore(mkdtempSync(join(tmpdir(), 'afr-rearm-ledger-')))),
      clock: () => NOW,
    }).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toContain('delete workflowartifactgctasks.argoproj.io');
    expect(err?.message).toContain('infra/rbac/finishing/clusterrole.yaml');
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });
});

function seedTaskAndPod(server: LocalApiServer, wf: Record<string, any>): void {
  const task = server.store.put(build.gcTask(wf, 'wfcomp', { [NAME]: { report: { success: false, error: 'AccessDenied' } } }));
  const pod = build.gcPod(wf, { strategy: 'wfcomp', phase: 'Failed', now: NOW, createdMinutesAgo: 10, finishedMinutesAgo: 9 });
  pod.metadata.ownerReferences[0].uid = task.metadata.uid;
  server.store.put(pod);
}
