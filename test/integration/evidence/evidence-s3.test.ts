// The evidence bundle and intent record on real protocols: the local API server (GC pod logs, Events) and
// moto_server's S3 (If-None-Match: * answered 412) through the real SDK client, behind the moto proxy that
// makes S3 refuse (503, 403) or stall. Checked on the wire: no PATCH unless both were stored first.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BusEntry } from '../../../src/bus/entry.js';
import { parseConfig } from '../../../src/config/load.js';
import { coreEvent, gcPod, gcPodLog, gcTask, workflow } from '../../../src/demo/builders.js';
import { exporterEvent } from '../../../src/demo/seed.js';
import { Decision } from '../../../src/domain/decision.js';
import { evaluateBatch } from '../../../src/evaluate/evaluate-batch.js';
import { EVIDENCE_S3_TIMEOUTS } from '../../../src/evidence/config.js';
import { S3EvidenceSink } from '../../../src/evidence/s3-sink.js';
import { portFor } from '../../../src/kube/port-for.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { withMoto } from '../../helpers/moto.js';
import type { AwsFault } from '../../helpers/moto.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const BUCKET = 'afr-audit-test';
const NS = 'sandbox';
const NAME = 'scratch-run-x7p2m';
const UID = '7a7a7a7a-0000-4000-8000-000000000007';
const ROLE = 'arn:aws:sts::111122223333:assumed-role/argo-artgc/gc';
const KEYS = [`scratch/${UID}/out.bin`, `scratch/${UID}/main.log`];

// forceFinalizerRemoval with a GC pod that failed on AccessDenied (and was restarted once): row 10 removes,
// the two artifacts are orphaned, and the pod's logs and Events are the only record of why.
const wf = () =>
  workflow({
    name: NAME, namespace: NS, uid: UID, now: NOW, finishedMinutesAgo: 120, deletionMinutesAgo: 115, strategy: 'OnWorkflowDeletion',
    forceFinalizerRemoval: true, artifacts: [{ name: 'tmp-out', key: KEYS[0]! }, { name: 'main-logs', key: KEYS[1]! }],
    strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'],
  });
const pod = () => {
  const p = gcPod(wf(), { strategy: 'wfdel', phase: 'Failed', now: NOW, createdMinutesAgo: 110, finishedMinutesAgo: 109 });
  p.metadata.uid = 'pod-uid-0000-4000-8000-000000000007';
  p.status.containerStatuses[0].restartCount = 1;
  p.status.containerStatuses[0].lastState = { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-11-30T10:10:00Z' } };
  return p;
};
const task = () => gcTask(wf(), 'wfdel', { [NAME]: { 'tmp-out': { success: false, error: 'Access Denied' }, 'main-logs': { success: false, error: 'Access Denied' } } });
const events = () => [
  coreEvent(wf(), { reason: 'ArtifactGCFailed', message: 'Artifact Garbage Collection failed for strategy OnWorkflowDeletion, pod scratch-run-x7p2m-artgc-wfdel-2166136261 exited with non-zero exit code: check pod logs for more information', now: NOW, minutesAgo: 109, type: 'Warning', seq: 1 }),
  coreEvent(pod(), { reason: 'BackOff', message: 'Back-off restarting failed container main', now: NOW, minutesAgo: 109, type: 'Warning', seq: 2 }),
];
const MAIN_LOG = gcPodLog({ now: NOW, minutesAgo: 109, bucket: 'argo-artifacts', keys: KEYS, role: ROLE, denied: true });
const PREVIOUS_LOG = gcPodLog({ now: NOW, minutesAgo: 110, bucket: 'argo-artifacts', keys: KEYS.slice(0, 1), role: ROLE, denied: true });
const POD = `${NAME}-artgc-wfdel-2166136261`;

const aws = withMoto();
let server: LocalApiServer;
let direct: S3Client;
const SLOW_DOWN = { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
const ACCESS_DENIED = { status: 403, code: 'AccessDenied', message: 'Access Denied' };

function seed(target: LocalApiServer) {
  for (const o of [wf(), pod(), task(), ...events()]) target.store.put(o);
  target.store.logs.set({ namespace: NS, pod: POD, container: 'main' }, MAIN_LOG);
  target.store.logs.set({ namespace: NS, pod: POD, container: 'main', previous: true }, PREVIOUS_LOG);
}

beforeAll(async () => {
  server = await startApiServer();
  direct = new S3Client(aws.moto.clientConfig);
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  await aws.moto.reset();
  await direct.send(new CreateBucketCommand({ Bucket: BUCKET }));
  aws.moto.calls.length = 0;
  server.faults.clear();
  server.requests.length = 0;
  for (const kind of ['Workflow', 'Pod', 'WorkflowArtifactGCTask', 'Event']) {
    for (const o of server.store.list({ kind })) server.store.remove(o);
  }
  seed(server);
});

/** One evaluation of the Workflow in remediate mode, evidence to the audit bucket through the proxy. */
async function evaluate(target: LocalApiServer = server, sink = evidenceSink()) {
  const config = parseConfig({ clusters: [{ name: 'prod', auth: { type: 'token', server: target.url, token: target.token, skipTLSVerify: true }, mode: 'remediate' }] }, 'test');
  const port = portFor(config.clusters[0]!.auth, { retry: { attempts: 2, baseMs: 1, capMs: 2 } });
  const published: BusEntry[] = [];
  const counted: Record<string, number> = {};
  const report = await evaluateBatch([{ id: 'm1', body: JSON.stringify(exporterEvent(wf(), 'WorkflowSucceeded', { cluster: 'prod', now: NOW, seq: 1 })) }], {
    config,
    portFor: () => port,
    publisher: { publish: async (e) => void published.push(...e) },
    queue: { send: async () => {} },
    evidence: sink,
    clock: () => NOW,
    metrics: { count: (name, _dims, value = 1) => void (counted[name] = (counted[name] ?? 0) + value) },
  });
  const decisions = published.filter((e) => e.detailType === 'Remediation Decision').map((e) => Decision.parse(e.detail));
  return { report, decisions, counted };
}

function evidenceSink(opts: { timeoutMs?: number } = {}) {
  const client = new S3Client({ ...aws.moto.clientConfig, maxAttempts: 2, requestHandler: { ...EVIDENCE_S3_TIMEOUTS, requestTimeout: opts.timeoutMs ?? 5_000 } });
  return new S3EvidenceSink({ client, bucket: BUCKET });
}

async function objects(): Promise<Map<string, { etag: string; body: Buffer }>> {
  const out = new Map<string, { etag: string; body: Buffer }>();
  const listed = await direct.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  for (const o of listed.Contents ?? []) {
    const got = await direct.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }));
    out.set(o.Key!, { etag: o.ETag!, body: Buffer.from(await got.Body!.transformToByteArray()) });
  }
  return out;
}

const patches = (target: LocalApiServer = server) => target.requests.filter((r) => r.method === 'PATCH');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pretty = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

describe('evidence bundle and intent record before a removal', () => {
  it('writes the bundle, then the intent, then PATCHes; every file byte for byte as read', async () => {
    const asRead = server.store.get({ kind: 'Workflow', namespace: NS, name: NAME })!;
    const podAsRead = server.store.get({ kind: 'Pod', namespace: NS, name: POD })!;
    const taskAsRead = server.store.list({ kind: 'WorkflowArtifactGCTask', namespace: NS });
    // Events about the Workflow first, then about each GC pod (one field-selected list per involved uid).
    const eventsAsRead = server.store.list({ kind: 'Event', namespace: NS }).sort((a, b) => (a['involvedObject'] as { kind: string }).kind === 'Workflow' ? -1 : (b['involvedObject'] as { kind: string }).kind === 'Workflow' ? 1 : 0);
    const { report, decisions } = await evaluate();
    expect(report.results[0]!.status).toBe('fulfilled');
    const [d] = decisions;
    expect(d).toMatchObject({ verdict: 'remove', cause: 'force-removal-declared', action: 'removed', outcome: 'patched' });

    const prefix = `evidence/cluster=prod/date=2026-11-30/${NS}/${NAME}/${UID}/${d!.decisionId}/`;
    const intentKey = `audit/cluster=prod/date=2026-11-30/${NS}/${NAME}/${UID}/${d!.decisionId}.intent.json`;
    expect({ evidenceKey: d!.evidenceKey, intentKey: d!.intentKey }).toEqual({ evidenceKey: prefix, intentKey });

    const stored = await objects();
    expect([...stored.keys()].sort()).toEqual([
      intentKey,
      `${prefix}assessment.json`,
      `${prefix}events.json`,
      `${prefix}gc-pods.json`,
      `${prefix}gc-tasks.json`,
      `${prefix}logs/${POD}/main.log`,
      `${prefix}logs/${POD}/main.previous.log`,
      `${prefix}manifest.json`,
      `${prefix}nodes.json`,
      `${prefix}workflow.json`,
    ]);
    const file = (path: string) => stored.get(prefix + path)!.body;
    expect(file('workflow.json').toString()).toBe(pretty(asRead));
    expect(file('nodes.json').toString()).toBe(pretty((asRead as unknown as { status: { nodes: unknown } }).status.nodes));
    expect(file('gc-pods.json').toString()).toBe(pretty([podAsRead]));
    expect(file('gc-tasks.json').toString()).toBe(pretty(taskAsRead));
    expect(file('events.json').toString()).toBe(pretty(eventsAsRead));
    expect(file(`logs/${POD}/main.log`).toString()).toBe(MAIN_LOG);
    expect(file(`logs/${POD}/main.previous.log`).toString()).toBe(PREVIOUS_LOG);
    const assessment = JSON.parse(file('assessment.json').toString());
    expect(assessment).toMatchObject({ verdict: 'remove', cause: 'force-removal-declared' });
    expect(assessment.orphans.map((o: { name: string }) => o.name).sort()).toEqual(['main-logs', 'tmp-out']);

    const manifest = JSON.parse(file('manifest.json').toString());
    expect(manifest).toEqual({
      schemaVersion: 1,
      kind: 'evidence-manifest',
      decisionId: d!.decisionId,
      cluster: 'prod',
      action: 'remove-finalizer',
      workflow: { namespace: NS, name: NAME, uid: UID, resourceVersion: asRead.metadata.resourceVersion },
      collectedAt: NOW.toISOString(),
      prefix,
      maxFileBytes: 262144,
      files: [...stored.keys()]
        .filter((k) => k.startsWith(prefix) && !k.endsWith('manifest.json'))
        .map((k) => k.slice(prefix.length))
        .sort()
        .map((path) => ({ path, bytes: file(path).length, sha256: sha(file(path)) })),
      capsHit: [],
      notFetched: [],
      notes: ['nodes.json holds 1 node(s) from status.nodes'],
    });
    expect(d!.evidenceSha256).toBe(sha(file('manifest.json')));

    const intent = JSON.parse(stored.get(intentKey)!.body.toString());
    expect(intent).toMatchObject({
      schemaVersion: 1,
      kind: 'intent',
      action: { kind: 'remove-finalizer', patch: d!.patch },
      evidence: { key: prefix, sha256: d!.evidenceSha256 },
      decision: { decisionId: d!.decisionId, action: 'removed', verdict: 'remove', cause: 'force-removal-declared' },
    });

    // On the wire: ten PUTs, all conditional, the intent last (the PATCH came after evaluate saw them answered).
    const puts = aws.moto.callsTo('S3.PUT').filter((c) => c.path.includes('/evidence/') || c.path.includes('.intent.json'));
    expect(puts).toHaveLength(10);
    expect(puts.every((c) => c.headers['if-none-match'] === '*')).toBe(true);
    expect(decodeURIComponent(puts.at(-1)!.path.split('?')[0]!)).toBe(`/${BUCKET}/${intentKey}`);
    expect(patches()).toHaveLength(1);
    const logReads = server.requests.filter((r) => r.path.endsWith('/log'));
    expect(logReads.map((r) => r.query)).toEqual([
      { container: 'main', limitBytes: '262144', tailLines: '2000' },
      { container: 'main', limitBytes: '262144', tailLines: '2000', previous: 'true' },
    ]);
    expect(server.requests.filter((r) => r.path.endsWith('/events')).map((r) => r.query['fieldSelector']).sort()).toEqual([
      `involvedObject.uid=${UID}`,
      'involvedObject.uid=pod-uid-0000-4000-8000-000000000007',
    ]);
  });

  it('a redelivered record (the PATCH failed after the bundle and intent) writes nothing new, then removes', async () => {
    server.faults.add({ kind: 'status', code: 503, times: 2, match: { method: 'PATCH', pathRegex: `/workflows/${NAME}$` } });
    const first = await evaluate();
    expect(first.report.results[0]!.status).toBe('rejected');
    expect(first.decisions).toEqual([]);
    const before = await objects();
    expect(before.size).toBe(10);

    expect(first.counted['EvidenceBytes']).toBeGreaterThan(0);

    const second = await evaluate();
    expect(second.report.results[0]!.status).toBe('fulfilled');
    expect(second.decisions[0]).toMatchObject({ action: 'removed' });
    const after = await objects();
    expect([...after.entries()].map(([k, v]) => [k, v.etag])).toEqual([...before.entries()].map(([k, v]) => [k, v.etag]));
    // The second run's conditional puts all met an existing key (412): not one byte written.
    expect(second.counted['EvidenceBytes']).toBe(0);
    expect(second.decisions[0]!.evidenceSha256).toBe(sha(before.get(`${second.decisions[0]!.evidenceKey}manifest.json`)!.body));
  });

  it.each<[string, AwsFault]>([
    ['503 SlowDown on the bundle', { operation: 'S3.PUT', path: /\/evidence\//, error: SLOW_DOWN }],
    ['403 AccessDenied on the bundle', { operation: 'S3.PUT', path: /\/evidence\//, error: ACCESS_DENIED }],
    ['403 AccessDenied on the intent record', { operation: 'S3.PUT', path: /\.intent\.json/, error: ACCESS_DENIED }],
    ['503 on the intent record', { operation: 'S3.PUT', path: /\.intent\.json/, error: SLOW_DOWN }],
    ['a stalled manifest write (timeout)', { operation: 'S3.PUT', path: /manifest\.json/, hang: true }],
  ])('%s: no PATCH is sent, the record fails for retry, the finalizer stays', async (_what, fault) => {
    aws.moto.faults.push(fault);
    const { report, decisions } = await evaluate(server, evidenceSink({ timeoutMs: 300 }));
    expect(report.results[0]!.status).toBe('rejected');
    expect(String((report.results[0] as PromiseRejectedResult).reason)).toMatch(/could not store .* nothing was done, the record will be retried/);
    expect(decisions).toEqual([]);
    expect(patches()).toEqual([]);
    expect(server.store.get({ kind: 'Workflow', namespace: NS, name: NAME })!.metadata.finalizers).toContain('workflows.argoproj.io/artifact-gc');
    aws.moto.faults.length = 0;
    expect([...(await objects()).keys()].some((k) => k.endsWith('.intent.json'))).toBe(false);
  });

  it('logs forbidden (RBAC without pods/log): the bundle is still written, and its manifest says what is missing and why', async () => {
    const rbacFile = fileURLToPath(new URL('../../../infra/rbac/clusterrole.yaml', import.meta.url));
    const bindings = fileURLToPath(new URL('../../../infra/rbac/clusterrolebinding.yaml', import.meta.url));
    const role = parseAllDocuments(readFileSync(rbacFile, 'utf8'))[0]!.toJS() as { rules: { resources: string[] }[] };
    role.rules = role.rules.filter((r) => !r.resources.includes('pods/log'));
    const noLogs = await startApiServer({ rbac: { clusterRoles: [role], bindings: parseAllDocuments(readFileSync(bindings, 'utf8')).map((d) => d.toJS() as object) } });
    try {
      seed(noLogs);
      const { decisions } = await evaluate(noLogs);
      expect(decisions[0]).toMatchObject({ action: 'removed' });
      expect(patches(noLogs)).toHaveLength(1);
      const manifest = JSON.parse((await objects()).get(`${decisions[0]!.evidenceKey}manifest.json`)!.body.toString());
      expect(manifest.notFetched).toEqual([
        { what: `logs/${POD}/main.log`, status: 403, reason: expect.stringContaining("grant 'get' on 'pods/log'") },
        { what: `logs/${POD}/main.previous.log`, status: 403, reason: expect.stringContaining("grant 'get' on 'pods/log'") },
      ]);
      expect(manifest.files.map((f: { path: string }) => f.path)).not.toContain(`logs/${POD}/main.log`);
    } finally {
      await noLogs.close();
    }
  });

  it('a GC pod gone between the list and its log: bundle written, the 404 recorded', async () => {
    server.faults.add({
      kind: 'hook',
      times: 1,
      match: { method: 'GET', pathRegex: '/log$' },
      run: ({ store }) => void store.remove({ kind: 'Pod', apiVersion: 'v1', namespace: NS, name: POD }),
    });
    const { decisions } = await evaluate();
    expect(decisions[0]).toMatchObject({ action: 'removed' });
    const manifest = JSON.parse((await objects()).get(`${decisions[0]!.evidenceKey}manifest.json`)!.body.toString());
    expect(manifest.notFetched.map((n: { what: string; status: number }) => [n.what, n.status])).toEqual([
      [`logs/${POD}/main.log`, 404],
      [`logs/${POD}/main.previous.log`, 404],
    ]);
    // What was listed before the pod went is still in the bundle.
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain('gc-pods.json');
  });
});
