import { ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { finishingPolicyFor } from '../../../src/config/finishing-policy.js';
import { RemediatorConfig } from '../../../src/config/schema.js';
import { Cause } from '../../../src/domain/assessment.js';
import * as build from '../../../src/demo/builders.js';
import { CasDailyLedger, invocationBudget, runFinishing, S3VersionedStore } from '../../../src/finishing/index.js';
import { S3EvidenceSink } from '../../../src/evidence/s3-sink.js';
import { RecordingEvidenceSink } from '../../helpers/evidence.js';
import { withMoto } from '../../helpers/moto.js';
import { useMotoBuckets } from '../../helpers/moto-buckets.js';
import { type LocalApiServer, portOn, useLocalCluster, WORKFLOW_PATH } from '../kube/local-cluster.js';

// complete and verify end to end: the local API server for the Workflow, moto_server (behind its recording
// proxy, test/helpers/moto.ts) for the artifact bucket and the audit bucket (evidence bundle and intent record,
// src/evidence), the real SDK and client-node in between.
const NOW = new Date('2026-12-01T10:00:00Z');
const NS = 'data';
const NAME = 'etl-7q2kd';
const BUCKET = 'argo-artifacts';
const AUDIT = 'afr-audit';
// Row 11 (artifacts-verified-absent) is issue 11's; until it is on main the verify-to-removal tests wait for it.
const ROW_11 = (Cause.options as readonly string[]).includes('artifacts-verified-absent');
const KEYS = [`${NAME}/${NAME}/report.tgz`, `${NAME}/${NAME}/main.log`];

const config = (mode: 'remediate' | 'dry-run' = 'remediate', extra: Record<string, unknown> = {}) =>
  RemediatorConfig.parse({
    clusters: [{ name: 'prod', auth: { type: 'kubeconfig' }, mode }],
    finishing: { defaults: { verify: 'auto', complete: 'auto' }, buckets: [{ bucket: BUCKET, keyPrefixes: ['{{workflow.name}}/'] }], ...extra },
  });

function seedWorkflow(server: LocalApiServer, artifacts = [{ name: 'report', key: KEYS[0]! }, { name: 'main-logs', key: KEYS[1]! }]): void {
  const wf = build.workflow({
    name: NAME, namespace: NS, uid: 'wf-uid-1', now: NOW, finishedMinutesAgo: 120, strategy: 'OnWorkflowCompletion', artifacts,
    strategiesProcessed: ['OnWorkflowCompletion'], podsRecouped: [`${NAME}-artgc-wfcomp-${build.FNV_OFFSET}`], bucket: BUCKET,
    conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'AccessDenied: Access Denied' }],
  });
  server.store.put(wf);
}

describe('complete from AWS (moto_server + local API server)', () => {
  const fx = withMoto();
  const s3 = useMotoBuckets(fx, [BUCKET, AUDIT], { requestTimeoutMs: 2000 });
  const cluster = useLocalCluster({ clock: () => NOW });
  let server: LocalApiServer;
  let evidence: RecordingEvidenceSink;

  beforeEach(async () => {
    server = cluster();
    for (const kind of ['Pod', 'WorkflowArtifactGCTask', 'Workflow']) for (const o of server.store.list({ kind })) server.store.remove(o);
    // Destructive writes so far: S3 deletes and Workflow patches.
    evidence = new RecordingEvidenceSink(new S3EvidenceSink({ client: s3.admin, bucket: AUDIT }), () => s3Deletes().length + server.requests.filter((r) => r.method === 'PATCH').length);
  });

  const put = (Key: string, Body = 'payload') => s3.admin.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  const run = (action: 'complete' | 'verify', cfg = config()) => {
    const policy = finishingPolicyFor(cfg, 'prod', NS);
    return runFinishing(action, { namespace: NS, name: NAME }, { cluster: 'prod', policy, quietPeriodMs: 30 * 60_000 }, {
      cluster: portOn(server).port,
      bucket: s3.bucket,
      evidence: { sink: evidence },
      budget: invocationBudget(policy.caps),
      ledger: new CasDailyLedger(new S3VersionedStore({ client: s3.admin, bucket: AUDIT }), () => NOW),
      clock: () => NOW,
    });
  };
  const workflow = () => server.store.get({ kind: 'Workflow', namespace: NS, name: NAME }) as any;
  const s3Deletes = () => fx.moto.callsTo('S3.POST').filter((c) => c.path.includes('delete'));

  it('verifies, writes the intent, deletes, verifies each gone, then marks the artifacts deleted under test ops', async () => {
    for (const k of KEYS) await put(k);
    await put(`${NAME}/other-wf-object`); // under the prefix but no pending artifact names it: left alone
    seedWorkflow(server);
    const result = await run('complete');
    expect(result.outcome).toBe('completed: artifacts marked deleted');
    expect(result.deleted!.map((d) => `${d.bucket}/${d.key}:${d.size}`).sort()).toEqual(KEYS.map((k) => `${BUCKET}/${k}:7`).sort());
    expect(result.deleted!.every((d) => /^"[0-9a-f]{32}"$/.test(d.etag ?? ''))).toBe(true);
    // The bundle (workflow, pods, tasks, events, logs, manifest) and then the intent, all in the audit bucket before any delete.
    const intents = await evidence.intents();
    expect(intents).toHaveLength(1);
    expect(intents[0]!.destructiveBefore).toBe(0);
    expect(evidence.puts.every((p) => p.destructiveBefore === 0)).toBe(true);
    expect(evidence.puts.at(-1)!.key).toBe(intents[0]!.key);
    expect(intents[0]!.record.action).toMatchObject({ kind: 'complete', details: { delete: expect.arrayContaining(KEYS.map((key) => expect.objectContaining({ bucket: BUCKET, key }))) } });
    expect(intents[0]!.record.decision).toMatchObject({ decisionId: result.decisionId, finishing: { action: 'complete', outcome: 'planned' } });
    expect(evidence.bundleKeys(intents[0]!.record.evidence.key)).toContain(`${intents[0]!.record.evidence.key}manifest.json`);
    expect(result.evidence).toEqual({ evidenceKey: intents[0]!.record.evidence.key, evidenceSha256: intents[0]!.record.evidence.sha256, intentKey: intents[0]!.key });
    expect(s3Deletes()).toHaveLength(1);
    for (const k of KEYS) expect((await s3.bucket.head({ bucket: BUCKET }, k)).state).toBe('absent');
    expect((await s3.bucket.head({ bucket: BUCKET }, `${NAME}/other-wf-object`)).state).toBe('present');
    const artifacts = workflow().status.nodes[NAME].outputs.artifacts;
    expect(artifacts.map((a: any) => a.deleted)).toEqual([true, true]);
    const patch = server.requests.find((r) => r.method === 'PATCH')!;
    expect((patch.body as any[]).filter((op) => op.op === 'test').map((op) => op.path)).toEqual([
      '/metadata/uid', '/metadata/resourceVersion', `/status/nodes/${NAME}/outputs/artifacts/0/name`, `/status/nodes/${NAME}/outputs/artifacts/1/name`,
    ]);
    // Argo removes the finalizer itself (allArtifactsDeleted); the remediator never did.
    expect(workflow().metadata.finalizers).toEqual(['workflows.argoproj.io/artifact-gc']);
  });

  it('on a versioned bucket records the delete markers and keeps every version', async () => {
    await s3.admin.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
    for (const k of KEYS) await put(k);
    seedWorkflow(server);
    const result = await run('complete');
    expect(result.outcome).toBe('completed: artifacts marked deleted');
    expect(result.deleted!.every((d) => typeof d.deleteMarkerVersionId === 'string')).toBe(true);
    const versions = await s3.admin.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
    expect(versions.Versions).toHaveLength(2);
    expect(versions.DeleteMarkers).toHaveLength(2);
  });

  it('refuses a Workflow with any artifact outside the allow-list: no S3 request at all', async () => {
    await put('shared/report.tgz');
    seedWorkflow(server, [{ name: 'report', key: 'shared/report.tgz' }]);
    fx.moto.calls.length = 0;
    const result = await run('complete');
    expect(result.outcome).toBe('not-eligible');
    expect(result.reasons[0]).toContain('under no allowed prefix');
    expect(fx.moto.calls).toHaveLength(0);
  });

  it('a 403 on the read is unknown: nothing deleted, nothing patched', async () => {
    for (const k of KEYS) await put(k);
    seedWorkflow(server);
    fx.moto.faults.push({ operation: 'S3.HEAD', error: { status: 403, code: 'AccessDenied', message: 'Access Denied' } });
    const result = await run('complete');
    expect(result.outcome).toBe('bucket-unknown');
    expect(s3Deletes()).toHaveLength(0);
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it('dry run lists what it would delete and writes nothing', async () => {
    for (const k of KEYS) await put(k);
    seedWorkflow(server);
    const result = await run('complete', config('dry-run'));
    expect(result.outcome).toBe('would-delete (dry run)');
    expect(result.wouldDelete!.map((d) => d.key).sort()).toEqual([...KEYS].sort());
    expect(s3Deletes()).toHaveLength(0);
    expect(evidence.puts).toHaveLength(0);
  });

  it('caps: more objects than the invocation may delete deletes nothing', async () => {
    for (const k of KEYS) await put(k);
    seedWorkflow(server);
    const result = await run('complete', config('remediate', { caps: { objectsPerInvocation: 1 } }));
    expect(result.outcome).toBe('capped');
    expect(s3Deletes()).toHaveLength(0);
  });

  it("the day's cap holds across invocations: what the ledger already holds today leaves too little, nothing is deleted", async () => {
    for (const k of KEYS) await put(k);
    seedWorkflow(server);
    const cfg = config('remediate', { caps: { objectsPerDay: 3 } });
    // Earlier today another invocation deleted 2 objects of this cluster.
    const ledger = new CasDailyLedger(new S3VersionedStore({ client: s3.admin, bucket: AUDIT }), () => NOW);
    expect(await ledger.reserve('prod', NOW.toISOString().slice(0, 10), 'earlier-decision', 2, 20, finishingPolicyFor(cfg, 'prod', NS).caps)).toEqual({ ok: true });
    const result = await run('complete', cfg);
    expect(result).toMatchObject({ outcome: 'capped', applied: false });
    expect(result.reasons.at(-1)).toContain('finishing.caps.objectsPerDay 3 for prod on 2026-12-01 (2 used)');
    expect(s3Deletes()).toHaveLength(0);
    expect(evidence.puts).toHaveLength(0);
  });

  it('the ledger unreachable (S3 failing past its retries): refused and retryable, nothing deleted', async () => {
    for (const k of KEYS) await put(k);
    seedWorkflow(server);
    fx.moto.faults.push({ operation: 'S3.GET', path: /\/ledger\//, error: { status: 500, code: 'InternalError', message: 'We encountered an internal error.' } });
    const result = await run('complete');
    expect(result).toMatchObject({ outcome: 'capped', applied: false, retryable: true });
    expect(result.reasons.at(-1)).toContain('daily ledger');
    expect(s3Deletes()).toHaveLength(0);
  });

  it('S3 failing on the delete: retryable, no patch; the redelivery completes with the same decision id', async () => {
    for (const k of KEYS) await put(k);
    seedWorkflow(server);
    fx.moto.faults.push({ operation: 'S3.POST', path: /delete/, error: { status: 500, code: 'InternalError', message: 'injected' } });
    const first = await run('complete');
    expect(first).toMatchObject({ outcome: 'delete-failed', retryable: true });
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    fx.moto.faults.length = 0;
    const second = await run('complete');
    expect(second.outcome).toBe('completed: artifacts marked deleted');
    expect(second.decisionId).toBe(first.decisionId);
    // One bundle and one intent: the redelivery found every key stored (412) and wrote nothing new.
    expect(await evidence.intents()).toHaveLength(1);
    expect(second.evidence).toEqual(first.evidence);
  });

  it('the API refusing the final patch: the objects are gone, the error surfaces, and the redelivery only patches', async () => {
    for (const k of KEYS) await put(k);
    seedWorkflow(server);
    server.faults.add({ kind: 'status', code: 503, match: { method: 'PATCH', pathRegex: `^${WORKFLOW_PATH(NS, NAME)}$` } });
    await expect(run('complete')).rejects.toThrow();
    for (const k of KEYS) expect((await s3.bucket.head({ bucket: BUCKET }, k)).state).toBe('absent');
    server.faults.clear();
    fx.moto.calls.length = 0;
    const again = await run('complete');
    expect(again.outcome).toBe('completed: artifacts marked deleted');
    expect(again.deleted).toEqual([]);
    expect(s3Deletes()).toHaveLength(0);
  }, 30_000);

  it('no bundle, no action: the audit bucket refusing the evidence deletes nothing and patches nothing', async () => {
    for (const k of KEYS) await put(k);
    seedWorkflow(server);
    fx.moto.faults.push({ operation: 'S3.PUT', path: new RegExp(`^/${AUDIT}/evidence/`), times: 100, error: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' } });
    await expect(run('complete')).rejects.toMatchObject({ name: 'EvidenceWriteError', retryable: true });
    expect(s3Deletes()).toHaveLength(0);
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    for (const k of KEYS) expect((await s3.bucket.head({ bucket: BUCKET }, k)).state).toBe('present');
  });

  it('verify: what exists is present and nothing is removed', async () => {
    await put(KEYS[0]!);
    seedWorkflow(server);
    const result = await run('verify');
    expect(result.outcome).toBe('objects-present');
    expect(result.verify!.checks.map((c) => [c.name, c.result])).toEqual([['report', 'present'], ['main-logs', 'absent']]);
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  it.skipIf(!ROW_11)('verify: nothing there (never written, or gone by a lifecycle rule): row 11 removes the finalizer, after the intent', async () => {
    seedWorkflow(server);
    const result = await run('verify');
    expect(result.outcome).toBe('verified-absent: finalizer removed');
    expect(result.after).toMatchObject({ verdict: 'remove', cause: 'artifacts-verified-absent' });
    expect(result.verify!.checks.map((c) => c.result)).toEqual(['absent', 'absent']);
    const intents = await evidence.intents();
    expect(intents).toHaveLength(1);
    expect(intents[0]!.destructiveBefore).toBe(0);
    expect(intents[0]!.record.action).toMatchObject({ kind: 'remove-finalizer', patch: result.patchSent ?? expect.any(Array) });
    expect(workflow().metadata.finalizers ?? []).toEqual([]);
    expect(s3Deletes()).toHaveLength(0);
  });

  it.skipIf(!ROW_11)('verify in a dry-run cluster reads but only says it would remove', async () => {
    seedWorkflow(server);
    const result = await run('verify', config('dry-run'));
    expect(result.outcome).toBe('verified-absent: would remove (dry run)');
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });
});
