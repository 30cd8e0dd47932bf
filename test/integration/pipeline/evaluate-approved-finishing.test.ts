// An approved Retry GC and an approved Complete from AWS, acted on by evaluate, on loopback: the approval stored in
// moto S3 and carried on a moto SQS queue, the live Workflow on the local API server (with the optional finishing
// ClusterRole), the artifact bucket and the audit bucket (evidence bundle, intent record) in moto S3, decisions
// through moto EventBridge to a queue, the response_url on a local receiver. The same evidence-first path as
// auto mode: no delete, no task deletion and no patch before the bundle and the intent are stored.
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { approvalMessageBody } from '../../../src/approvals/message.js';
import { S3ApprovalStore } from '../../../src/approvals/s3-store.js';
import { EventBridgePublisher } from '../../../src/bus/eventbridge-publisher.js';
import { parseConfig } from '../../../src/config/load.js';
import type { RemediatorConfig } from '../../../src/config/schema.js';
import * as build from '../../../src/demo/builders.js';
import { type Approver, type ButtonClaim, pendingDigest } from '../../../src/domain/approval.js';
import { signButtonValue } from '../../../src/domain/button-value.js';
import { Decision } from '../../../src/domain/decision.js';
import { assessRaw } from '../../../src/domain/snapshot.js';
import type { ApprovalRuntime } from '../../../src/evaluate/approval.js';
import { evaluateBatch } from '../../../src/evaluate/evaluate-batch.js';
import { S3EvidenceSink } from '../../../src/evidence/s3-sink.js';
import { IntentRecord } from '../../../src/evidence/intent.js';
import { finishingWiringFor } from '../../../src/finishing/wiring.js';
import { CasDailyLedger, S3VersionedStore } from '../../../src/finishing/ledger.js';
import { portFor } from '../../../src/kube/port-for.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { MemoryEpisodeStore } from '../../../src/notify/episodes.js';
import { SlackWebhookClient } from '../../../src/notify/slack-client.js';
import { sdkSendMessageBatch, SqsSignalQueue } from '../../../src/queue/sqs-queue.js';
import { clearRegisteredSecrets } from '../../../src/observability/redact.js';
import { withMoto } from '../../helpers/moto.js';
import { type SlackReceiver, startSlackReceiver } from '../../helpers/slack-receiver.js';
import { sdkS3Objects } from '../../../src/aws/s3-objects.js';

const aws = withMoto();
const KEY = 'approved-finishing-button-key-0123456789abcdef';
const AUDIT = 'afr-audit-approved';
const ARTIFACTS = 'argo-artifacts';
const BUS = 'afr-approved-bus';
const NS = 'data';
const NOW = new Date();
const ALICE: Approver = { id: 'U0ALICE001', name: 'alice', at: NOW.toISOString() };

let server: LocalApiServer;
let responses: SlackReceiver;
let s3: S3Client;
let sqs: SQSClient;
let signalsUrl: string;
let decisionsUrl: string;
let config: RemediatorConfig;
let store: S3ApprovalStore;
const episodes = new MemoryEpisodeStore();
const counted: { name: string; dims: Record<string, string>; value: number }[] = [];

function rbac() {
  const docs = ['clusterrole.yaml', 'clusterrolebinding.yaml', 'finishing/clusterrole.yaml'].flatMap((f) =>
    parseAllDocuments(readFileSync(fileURLToPath(new URL(`../../../infra/rbac/${f}`, import.meta.url)), 'utf8')).map((d) => d.toJS() as { kind: string }),
  );
  return { clusterRoles: docs.filter((d) => d.kind === 'ClusterRole'), bindings: docs.filter((d) => d.kind === 'ClusterRoleBinding') };
}

const podName = (name: string) => `${name}-artgc-wfcomp-${build.FNV_OFFSET}`;

/** GC ran on AccessDenied and failed: gc-failed, with its task and its Failed, recouped pod. */
function seedFailed(name: string, namespace = NS): void {
  const wf = build.workflow({
    name, namespace, uid: `uid-${name}`, now: NOW, finishedMinutesAgo: 120, strategy: 'OnWorkflowCompletion', bucket: ARTIFACTS,
    artifacts: [{ name: 'report', key: `${name}/${name}/report.tgz` }, { name: 'main-logs', key: `${name}/${name}/main.log` }],
    strategiesProcessed: ['OnWorkflowCompletion'], podsRecouped: [podName(name)],
    conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'AccessDenied: Access Denied' }],
  });
  server.store.put(wf);
  const task = server.store.put(build.gcTask(wf, 'wfcomp', { [name]: { report: { success: false, error: 'AccessDenied: Access Denied' }, 'main-logs': { success: false, error: 'AccessDenied: Access Denied' } } }));
  const pod = build.gcPod(wf, { strategy: 'wfcomp', phase: 'Failed', now: NOW, createdMinutesAgo: 110, finishedMinutesAgo: 109 });
  pod.metadata.ownerReferences[0].uid = task.metadata.uid;
  server.store.put(pod);
}

async function claimFor(name: string, act: ButtonClaim['act'], namespace = NS): Promise<ButtonClaim> {
  const raw = (await portFor(config.clusters[0]!.auth).snapshot({ namespace, name }))!;
  const a = assessRaw(raw, { now: new Date(), quietPeriodMs: 30 * 60_000 });
  return { v: 1, c: 'prod', ns: namespace, n: name, uid: a.workflow.uid!, cause: a.cause, pend: pendingDigest(a.pendingArtifacts), pc: a.pendingArtifacts.length, act, exp: Math.floor(Date.now() / 1000) + 3600, d: `${name}-${act}`.padEnd(32, '0').slice(0, 32) };
}

const runtime = (): ApprovalRuntime => ({
  settings: {
    teamId: 'T0TEAM0001', appId: 'A0APP00001', approvers: new Set([ALICE.id]), twoPersonRules: [], ttlMs: 86_400_000,
    actions: new Set(['rearm', 'complete', 'remove', 'snooze', 'deny']), responseUrlOrigins: [new URL(responses.url).origin], signingSecrets: [], buttonKeys: [KEY],
  },
  store,
  episodes,
  respond: (url, m) => new SlackWebhookClient({ url, maxAttempts: 1 }).post(m),
});

/** What interact does after its checks: the approval stored write-once, the message on the signals queue. */
async function click(claim: ButtonClaim): Promise<void> {
  await store.put({ schemaVersion: 1, claim, approver: ALICE, requestDigest: 'a'.repeat(64) });
  await sqs.send(new SendMessageCommand({ QueueUrl: signalsUrl, MessageBody: approvalMessageBody({ value: signButtonValue(claim, [KEY]), approvers: [ALICE], responseUrl: responses.url }) }));
}

/** The Lambda poller: every message on the signals queue to evaluate (twice when redelivered), then deleted. */
async function drain(o: { redeliver?: boolean } = {}) {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: signalsUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }));
  const records = (out.Messages ?? []).map((m) => ({ id: m.MessageId!, body: m.Body! }));
  const wiring = finishingWiringFor(config, { region: aws.moto.region, s3: aws.moto.clientConfig, ledger: new CasDailyLedger(new S3VersionedStore({ client: s3, bucket: AUDIT })) })!;
  try {
    const report = await evaluateBatch(o.redeliver ? [...records, ...records.map((r) => ({ ...r, id: `${r.id}-again` }))] : records, {
      config,
      portFor: (c) => portFor(config.clusters.find((x) => x.name === c)!.auth),
      publisher: new EventBridgePublisher({ busName: BUS, client: new EventBridgeClient(aws.moto.clientConfig), sleep: async () => {} }),
      queue: new SqsSignalQueue(signalsUrl, { sendBatch: sdkSendMessageBatch(sqs) }),
      evidence: new S3EvidenceSink({ client: s3, bucket: AUDIT }),
      approvals: async () => runtime(),
      finishing: wiring,
      metrics: { count: (name, dims, value = 1) => void counted.push({ name, dims, value }) },
    });
    for (const m of out.Messages ?? []) await sqs.send(new DeleteMessageCommand({ QueueUrl: signalsUrl, ReceiptHandle: m.ReceiptHandle! }));
    return report;
  } finally {
    wiring.close();
  }
}

/** What reached the bus: the decisions queue behind a rule on the remediator's source. */
async function busEvents(): Promise<{ 'detail-type': string; detail: unknown }[]> {
  const out: { 'detail-type': string; detail: unknown }[] = [];
  for (;;) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: decisionsUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!got.Messages?.length) return out;
    for (const m of got.Messages) {
      out.push(JSON.parse(m.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: decisionsUrl, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

const clusterWrites = () => server.requests.filter((r) => r.method !== 'GET');
const s3Deletes = () => aws.moto.callsTo('S3.POST').filter((c) => c.path.includes('delete'));
/** Writes into the audit bucket (bundle files, intent) as the proxy saw them, in order. */
const auditPuts = () => aws.moto.callsTo('S3.PUT').filter((c) => c.path.startsWith(`/${AUDIT}/evidence/`) || c.path.includes('.intent.json'));

async function intentAt(key: string): Promise<IntentRecord> {
  const got = await s3.send(new GetObjectCommand({ Bucket: AUDIT, Key: key }));
  return IntentRecord.parse(JSON.parse(await got.Body!.transformToString()));
}

beforeAll(async () => {
  const m = aws.moto;
  s3 = new S3Client(m.clientConfig);
  sqs = new SQSClient(m.clientConfig);
  server = await startApiServer({ rbac: rbac() });
  responses = await startSlackReceiver({ secretPath: '/actions/T0TEAM0001/9/approvedFinishT0ken' });
  config = parseConfig(
    {
      clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate' }],
      finishing: {
        defaults: { rearm: 'approval', complete: 'approval' },
        clusters: { prod: { namespaces: { locked: { rearm: 'off', complete: 'off' } } } },
        buckets: [{ bucket: ARTIFACTS, keyPrefixes: ['{{workflow.name}}/'] }],
        rearm: { podGonePollSeconds: 0.05 },
      },
    },
    'test',
  );
});

beforeEach(async () => {
  await aws.moto.reset();
  for (const Bucket of [AUDIT, ARTIFACTS]) await s3.send(new CreateBucketCommand({ Bucket }));
  signalsUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals-approved' }))).QueueUrl!;
  decisionsUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'decisions-approved' }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: decisionsUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;
  const eb = new EventBridgeClient(aws.moto.clientConfig);
  await eb.send(new CreateEventBusCommand({ Name: BUS }));
  await eb.send(new PutRuleCommand({ Name: 'everything', EventBusName: BUS, EventPattern: JSON.stringify({ source: ['argo-finalizer-remediator'] }) }));
  await eb.send(new PutTargetsCommand({ Rule: 'everything', EventBusName: BUS, Targets: [{ Id: 'q', Arn: arn }] }));
  store = new S3ApprovalStore({ objects: sdkS3Objects(s3), bucket: AUDIT });
  for (const kind of ['Pod', 'WorkflowArtifactGCTask', 'Workflow']) for (const o of server.store.list({ kind })) server.store.remove(o);
  server.requests.length = 0;
  responses.posts.length = 0;
});

afterAll(async () => {
  await server?.close();
  await responses?.close();
  s3?.destroy();
  sqs?.destroy();
  clearRegisteredSecrets();
});

describe('evaluate acting on an approved finishing action', () => {
  it('Retry GC: bundle and intent in the audit bucket, then DELETE the task, then the re-arm PATCH; once, however often redelivered', async () => {
    seedFailed('etl-rearm');
    const claim = await claimFor('etl-rearm', 'rearm');
    expect(claim.cause).toBe('gc-failed');
    await click(claim);
    const report = await drain({ redeliver: true });
    expect(report.results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(report.approvals.map((a) => a.outcome).sort()).toEqual(['acted', 'ignored']);

    const writes = clusterWrites();
    expect(writes.map((r) => [r.method, r.status])).toEqual([['DELETE', 200], ['PATCH', 200]]);
    const wf = server.store.get({ kind: 'Workflow', namespace: NS, name: 'etl-rearm' }) as any;
    expect(JSON.parse(wf.metadata.annotations['argo-finalizer-remediator/rearm'])).toMatchObject({ count: 1 });
    expect(wf.status.artifactGCStatus).toEqual({ strategiesProcessed: {}, podsRecouped: {} });

    const events = await busEvents();
    const decision = Decision.parse(events.find((e) => e['detail-type'] === 'Remediation Decision')!.detail);
    expect(decision).toMatchObject({
      approvedBy: [expect.objectContaining({ id: ALICE.id, name: 'alice' })],
      finishing: { action: 'rearm', outcome: 'rearmed', applied: true, rearm: { attempt: 1, tasksDeleted: [`${podName('etl-rearm')}-0`] } },
      verdict: 'wait',
      cause: 'gc-rearmed',
    });
    // The intent names the bundle; both were in the audit bucket before the first cluster write.
    const intent = await intentAt(decision.intentKey!);
    expect(intent.action.kind).toBe('rearm');
    expect(intent.evidence.key).toBe(decision.evidenceKey);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: AUDIT, Prefix: decision.evidenceKey! }));
    expect(listed.Contents!.map((o) => o.Key!.slice(decision.evidenceKey!.length))).toEqual(expect.arrayContaining(['manifest.json', 'gc-pods.json', `logs/${podName('etl-rearm')}/main.log`]));
    // The order (bundle, intent, then the DELETE) is checked write by write in test/integration/finishing/rearm.test.ts.
    expect(auditPuts().at(-1)!.path).toContain('.intent.json');

    const outcome = events.find((e) => e['detail-type'] === 'Approval Outcome')!.detail as { outcome: string; resultDecisionId?: string };
    expect(outcome).toMatchObject({ outcome: 'acted', resultDecisionId: decision.decisionId });
    expect(responses.posts).toHaveLength(1);
    expect((responses.posts[0]!.json as { text: string }).text).toMatch(/Retry GC approved by alice at .*; GC re-armed \(attempt 1/);
    expect(counted).toEqual(expect.arrayContaining([{ name: 'GcRearmed', dims: { cluster: 'prod' }, value: 1 }, { name: 'ApprovalsActed', dims: { cluster: 'prod', action: 'rearm' }, value: 1 }]));
  });

  it('Complete from AWS: every object deleted and verified gone, the artifacts marked deleted, the objects in the decision', async () => {
    seedFailed('etl-done');
    for (const Key of ['etl-done/etl-done/report.tgz', 'etl-done/etl-done/main.log']) await s3.send(new PutObjectCommand({ Bucket: ARTIFACTS, Key, Body: 'seven b' }));
    const claim = await claimFor('etl-done', 'complete');
    await click(claim);
    const report = await drain();
    expect(report.approvals[0]).toMatchObject({ outcome: 'acted', code: 'ok' });
    expect(s3Deletes()).toHaveLength(1);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: ARTIFACTS, Prefix: 'etl-done/' }));
    expect(left.KeyCount).toBe(0);
    const wf = server.store.get({ kind: 'Workflow', namespace: NS, name: 'etl-done' }) as any;
    expect(wf.status.nodes['etl-done'].outputs.artifacts.map((a: { deleted?: boolean }) => a.deleted)).toEqual([true, true]);

    const decision = Decision.parse((await busEvents()).find((e) => e['detail-type'] === 'Remediation Decision')!.detail);
    expect(decision.finishing).toMatchObject({ action: 'complete', outcome: 'completed: artifacts marked deleted', deletedCount: 2, deletedBytes: 14 });
    expect(decision.approvedBy?.[0]?.id).toBe(ALICE.id);
    // The bundle and the intent went to the audit bucket before the DeleteObjects call.
    const calls = aws.moto.calls;
    const intentAt_ = calls.findIndex((c) => c.operation === 'S3.PUT' && c.path.includes('.intent.json'));
    const deleteAt = calls.findIndex((c) => c.operation === 'S3.POST' && c.path.includes('delete'));
    expect(intentAt_).toBeGreaterThanOrEqual(0);
    expect(intentAt_).toBeLessThan(deleteAt);
    expect((await intentAt(decision.intentKey!)).action).toMatchObject({ kind: 'complete', details: { delete: [expect.objectContaining({ bucket: ARTIFACTS }), expect.objectContaining({ bucket: ARTIFACTS })] } });
    expect((responses.posts.at(-1)!.json as { text: string }).text).toMatch(/Complete from AWS approved by alice .*deleted 2 object\(s\), 14 byte\(s\); completed: artifacts marked deleted/);
  });

  it('the audit bucket refusing the bundle: nothing deleted, nothing patched, and Slack is told it was not done', async () => {
    seedFailed('etl-nobundle');
    await s3.send(new PutObjectCommand({ Bucket: ARTIFACTS, Key: 'etl-nobundle/etl-nobundle/report.tgz', Body: 'x' }));
    const claim = await claimFor('etl-nobundle', 'complete');
    await click(claim);
    aws.moto.faults.push({ operation: 'S3.PUT', path: new RegExp(`^/${AUDIT}/evidence/`), error: { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' } });
    const report = await drain();
    expect(report.approvals[0]).toMatchObject({ outcome: 'not-done', code: 'failed' });
    expect(s3Deletes()).toHaveLength(0);
    expect(clusterWrites()).toHaveLength(0);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: ARTIFACTS, Prefix: 'etl-nobundle/' }))).KeyCount).toBe(1);
    expect((responses.posts.at(-1)!.json as { text: string }).text).toContain('failed: could not store evidence/');
  });

  it('an approval does not turn an action on: Retry GC where the namespace has it off is not done, and nothing is written', async () => {
    seedFailed('etl-locked', 'locked');
    const claim = await claimFor('etl-locked', 'rearm', 'locked');
    await click(claim);
    const report = await drain();
    // Refused at the gate (src/approvals/offer.ts, the policy notify offers buttons by), before anything is run.
    expect(report.approvals[0]).toMatchObject({ outcome: 'not-done', code: 'not-allowed' });
    expect(clusterWrites()).toHaveLength(0);
    expect(auditPuts()).toHaveLength(0);
    expect((responses.posts.at(-1)!.json as { text: string }).text).toContain('Not done: Retry GC is not allowed for gc-failed by the current policy');
  });
});
