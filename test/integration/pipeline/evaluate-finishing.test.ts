// evaluateBatch with finishing wired: the local API server, a folder bucket, the evidence bundle and intent
// record in a folder sink (src/evidence), as every removal's.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BusEntry } from '../../../src/bus/entry.js';
import { FolderBucket } from '../../../src/buckets/folder-bucket.js';
import { parseConfig } from '../../../src/config/load.js';
import * as build from '../../../src/demo/builders.js';
import { exporterEvent } from '../../../src/demo/seed.js';
import { Decision } from '../../../src/domain/decision.js';
import { evaluateBatch } from '../../../src/evaluate/evaluate-batch.js';
import { decisionAuditKey } from '../../../src/audit/key.js';
import { Outcome } from '../../../src/remediation/reconcile.js';
import { finishingWiringFor } from '../../../src/finishing/wiring.js';
import { CasDailyLedger, FolderVersionedStore } from '../../../src/finishing/ledger.js';
import { portFor } from '../../../src/kube/port-for.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir as osTmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { FolderEvidenceSink } from '../../../src/evidence/folder-sink.js';

// Evidence bundles and intent records before every removal and finishing action (invariant 9), to a folder here.
const EVIDENCE_DIR = mkdtempSync(joinPath(osTmpdir(), 'afr-evidence-'));
const EVIDENCE = new FolderEvidenceSink(EVIDENCE_DIR);

const NOW = new Date();
const NS = 'data';

function rbac() {
  const docs = ['clusterrole.yaml', 'clusterrolebinding.yaml', 'finishing/clusterrole.yaml'].flatMap((f) =>
    parseAllDocuments(readFileSync(fileURLToPath(new URL(`../../../infra/rbac/${f}`, import.meta.url)), 'utf8')).map((d) => d.toJS() as { kind: string }),
  );
  return { clusterRoles: docs.filter((d) => d.kind === 'ClusterRole'), bindings: docs.filter((d) => d.kind === 'ClusterRoleBinding') };
}

const failed = (name: string) =>
  build.workflow({
    name, namespace: NS, uid: `uid-${name}`, now: NOW, finishedMinutesAgo: 120, strategy: 'OnWorkflowCompletion',
    artifacts: [{ name: 'report', key: `${name}/${name}/report.tgz` }], strategiesProcessed: ['OnWorkflowCompletion'],
    podsRecouped: [`${name}-artgc-wfcomp-${build.FNV_OFFSET}`], conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'AccessDenied' }],
  });

describe('evaluate with finishing', () => {
  let server: LocalApiServer;
  let root: string;
  beforeAll(async () => {
    server = await startApiServer({ rbac: rbac() });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    for (const kind of ['Pod', 'WorkflowArtifactGCTask', 'Workflow']) for (const o of server.store.list({ kind })) server.store.remove(o);
    server.requests.length = 0;
    root = await mkdtemp(join(tmpdir(), 'afr-eval-finishing-'));
    await mkdir(join(root, 'buckets', 'argo-artifacts'), { recursive: true });
    return () => rm(root, { recursive: true, force: true });
  });

  async function run(finishing: Record<string, unknown>, names: string[], withWiring = true, receiveCount = 1) {
    const config = parseConfig({ clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate' }], finishing }, 'test');
    const port = portFor(config.clusters[0]!.auth);
    const published: BusEntry[] = [];
    metrics.length = 0;
    const report = await evaluateBatch(
      names.map((n, i) => ({ id: `m${i}`, receiveCount, body: JSON.stringify(exporterEvent(failed(n), 'WorkflowFailed', { cluster: 'prod', now: NOW, seq: i })) })),
      {
        config,
        portFor: () => port,
        publisher: { publish: async (e) => void published.push(...e) },
        evidence: EVIDENCE,
        queue: { send: async () => {} },
        metrics: { count: (name, dims, value = 1, extras) => void metrics.push({ name, dims, value, ...(extras?.unit ? { unit: extras.unit } : {}) }) },
        ...(withWiring ? { finishing: finishingWiringFor(config, { bucketDir: join(root, 'buckets'), region: 'eu-west-1', ledger: new CasDailyLedger(new FolderVersionedStore(join(root, 'audit'))) }) } : {}),
      },
    );
    return { report, decisions: published.filter((e) => e.detailType === 'Remediation Decision').map((e) => Decision.parse(e.detail)) };
  }

  const metrics: { name: string; dims: Record<string, string>; value: number; unit?: string }[] = [];
  const buckets = [{ bucket: 'argo-artifacts', keyPrefixes: ['{{workflow.name}}/'] }];

  it('complete: deletes the objects, marks the artifacts deleted, and the decision carries every object', async () => {
    server.store.put(failed('etl-a'));
    const key = join(root, 'buckets', 'argo-artifacts', 'etl-a', 'etl-a', 'report.tgz');
    await mkdir(dirname(key), { recursive: true });
    await writeFile(key, 'twelve bytes');
    const { decisions, report } = await run({ defaults: { complete: 'auto' }, buckets }, ['etl-a']);
    expect(report.results.every((r) => r.status === 'fulfilled')).toBe(true);
    const d = decisions[0]!;
    expect(d.outcome).toBe('finishing complete: completed: artifacts marked deleted');
    expect(d.finishing).toMatchObject({ action: 'complete', applied: true, deletedCount: 1, deletedBytes: 12, deleted: [{ bucket: 'argo-artifacts', key: 'etl-a/etl-a/report.tgz', size: 12 }] });
    // The decision names the bundle and intent stored before the delete, beside the removals' (audit/..., evidence/...).
    expect(d.finishing!.intentKey).toMatch(/^audit\/cluster=prod\/date=\d{4}-\d{2}-\d{2}\/data\/etl-a\/uid-etl-a\/[0-9a-f]{32}\.intent\.json$/);
    expect(d).toMatchObject({ intentKey: d.finishing!.intentKey, evidenceKey: d.finishing!.evidenceKey, evidenceSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await EVIDENCE.get(d.intentKey!)).toBeDefined();
    expect(await EVIDENCE.get(`${d.evidenceKey}manifest.json`)).toBeDefined();
    const wf = server.store.get({ kind: 'Workflow', namespace: NS, name: 'etl-a' }) as any;
    expect(wf.status.nodes['etl-a'].outputs.artifacts[0].deleted).toBe(true);
    // What finishing did, through the metrics port (EMF in Lambda): objects and bytes deleted, what verify found.
    expect(metrics).toEqual(expect.arrayContaining([
      { name: 'ArtifactObjectsDeleted', dims: { cluster: 'prod' }, value: 1 },
      { name: 'ArtifactBytesDeleted', dims: { cluster: 'prod' }, value: 12, unit: 'Bytes' },
      { name: 'ArtifactsVerified', dims: { cluster: 'prod', result: 'absent' }, value: 1 },
    ]));
  });

  it('verify removing the finalizer: the final record carries its intent\'s decisionId, so a redelivery recovers nothing twice', async () => {
    server.store.put(failed('etl-v'));
    const { decisions } = await run({ defaults: { verify: 'auto' }, buckets }, ['etl-v']);
    const d = decisions[0]!;
    expect(d).toMatchObject({ action: 'removed', cause: 'artifacts-verified-absent', finishing: { action: 'verify', outcome: 'verified-absent: finalizer removed' } });
    // Looked for and not there: this removal orphans nothing, in its evidence bundle and in the metrics alike.
    expect(JSON.parse((await EVIDENCE.get(`${d.evidenceKey}assessment.json`))!.toString('utf8')).orphans).toEqual([]);
    expect(metrics.filter((m) => m.name === 'OrphanedArtifacts')).toEqual([]);
    expect(metrics).toContainEqual({ name: 'FinalizersRemoved', dims: { cluster: 'prod', cause: 'artifacts-verified-absent', mode: 'remediate' }, value: 1 });
    const intent = JSON.parse((await EVIDENCE.get(d.intentKey!))!.toString('utf8'));
    expect(intent.decision.decisionId).toBe(d.decisionId);
    expect(d.intentKey).toBe(decisionAuditKey(d).replace(/\.json$/, '.intent.json'));
    // The audit function writes the final record beside the intent; the same record redelivered then finds the
    // finalizer gone, and recovery (src/evidence/recover.ts) sees that removal as recorded.
    await EVIDENCE.putIfAbsent(decisionAuditKey(d), Buffer.from(JSON.stringify(d)));
    const again = await run({ defaults: { verify: 'auto' }, buckets }, ['etl-v'], true, 2);
    expect(again.decisions.filter((x) => x.outcome === Outcome.recoveredFromIntent)).toEqual([]);
    expect(again.decisions.filter((x) => x.action === 'removed')).toEqual([]);
  });

  it('everything off (the default): a plain notify, nothing read or written', async () => {
    server.store.put(failed('etl-b'));
    const { decisions } = await run({ buckets }, ['etl-b']);
    expect(decisions[0]).toMatchObject({ verdict: 'notify', action: 'notified' });
    expect(decisions[0]!.finishing).toBeUndefined();
    expect(server.requests.filter((r) => r.method === 'PATCH' || r.method === 'DELETE')).toHaveLength(0);
  });

  it('without the wiring (no buckets) nothing is attempted, whatever the configuration says', async () => {
    server.store.put(failed('etl-c'));
    const { decisions } = await run({ defaults: { complete: 'auto', rearm: 'auto' }, buckets }, ['etl-c'], false);
    expect(decisions[0]!.finishing).toBeUndefined();
  });

  it('rearm: the decision says the attempt and the task deleted', async () => {
    const wf = failed('etl-d');
    server.store.put(wf);
    const task = server.store.put(build.gcTask(wf, 'wfcomp', { 'etl-d': { report: { success: false, error: 'AccessDenied' } } }));
    const pod = build.gcPod(wf, { strategy: 'wfcomp', phase: 'Failed', now: NOW, createdMinutesAgo: 100, finishedMinutesAgo: 99 });
    pod.metadata.ownerReferences[0].uid = task.metadata.uid;
    server.store.put(pod);
    const { decisions } = await run({ defaults: { rearm: 'auto' } }, ['etl-d']);
    expect(decisions[0]!.finishing).toMatchObject({ action: 'rearm', outcome: 'rearmed', rearm: { attempt: 1, tasksDeleted: [`etl-d-artgc-wfcomp-${build.FNV_OFFSET}-0`] } });
    expect(metrics).toContainEqual({ name: 'GcRearmed', dims: { cluster: 'prod' }, value: 1 });
    const intent = JSON.parse((await EVIDENCE.get(decisions[0]!.intentKey!))!.toString('utf8'));
    expect(intent.action).toMatchObject({ kind: 'rearm', details: { attempt: 1 } });
    expect(await EVIDENCE.get(`${decisions[0]!.evidenceKey}logs/etl-d-artgc-wfcomp-${build.FNV_OFFSET}/main.log`)).toBeDefined();
  });
});
