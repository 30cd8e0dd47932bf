// An approval end to end, on loopback: a notify's real buttons -> a click signed as Slack signs it -> interact
// behind a function URL (real event shapes) -> the approval stored write-once in moto S3 -> the signals queue
// (moto SQS) -> the evaluate handler -> a live re-read of the local API server -> the action there -> the
// response_url receiver sees the message replaced. Duplicate clicks and SQS redelivery act once; a Workflow that
// changed since the message is not touched; a forged click changes nothing.
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../src/config/load.js';
import { gcPod, gcTask, workflow } from '../../src/demo/builders.js';
import { ARTIFACT_GC_FINALIZER } from '../../src/domain/assessment.js';
import { Decision } from '../../src/domain/decision.js';
import type { BusEntry } from '../../src/bus/entry.js';
import { approvalRuntimeFromConfig } from '../../src/evaluate/approval-deps.js';
import { evaluateBatch } from '../../src/evaluate/evaluate-batch.js';
import { type LocalApiServer, startApiServer } from '../../src/local/apiserver/index.js';
import { type LocalFunctionUrl, startLocalFunctionUrl } from '../../src/local/function-url.js';
import { click } from '../../src/local/slack-clicker.js';
import { portFor } from '../../src/kube/port-for.js';
import { actionButtons } from '../../src/notify/buttons.js';
import { buttonSettingsFromConfig } from '../../src/notify/handler.js';
import { sdkSendMessageBatch, SqsSignalQueue } from '../../src/queue/sqs-queue.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { parseConfig } from '../../src/config/load.js';
import type { RemediatorConfig } from '../../src/config/schema.js';
import { withMoto } from '../helpers/moto.js';
import { type SlackReceiver, startSlackReceiver } from '../helpers/slack-receiver.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir as osTmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { FolderEvidenceSink } from '../../src/evidence/folder-sink.js';

// Evidence bundles and intent records before every removal (invariant 9), to a folder here.
const EVIDENCE = new FolderEvidenceSink(mkdtempSync(joinPath(osTmpdir(), 'afr-evidence-')));

const ctx = withMoto();
const BUCKET = 'afr-audit-e2e';
const SECRET = 'e2e-signing-secret-0123456789abcdef';
const KEY = 'e2e-button-key-0123456789abcdef0123456789';
const TEAM = 'T0TEAM0001';
const APP = 'A0APP00001';
const DANA = { id: 'U0DANA0001', name: 'dana' };
const NOW = new Date();

let server: LocalApiServer;
let fnUrl: LocalFunctionUrl;
let responses: SlackReceiver;
let channel: SlackReceiver;
let s3: S3Client;
let sqs: SQSClient;
let queueUrl: string;
let config: RemediatorConfig;
const published: BusEntry[] = [];
let etlValues: Record<string, string> = {};
const saved = { ...process.env };

const stuck = () => {
  const wf = workflow({ name: 'train-model-4kq9z', namespace: 'ml', uid: 'uid-stuck', now: NOW, finishedMinutesAgo: 200, deletionMinutesAgo: 90, strategy: 'OnWorkflowDeletion', bucket: 'ml-artifacts', artifacts: [{ name: 'model', key: 'models/uid-stuck/model.pt' }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  wf.metadata.finalizers = ['example.com/keep', ARTIFACT_GC_FINALIZER];
  return [wf, gcPod(wf, { strategy: 'wfdel', phase: 'Pending', now: NOW, createdMinutesAgo: 89, waitingReason: 'ImagePullBackOff' }), gcTask(wf, 'wfdel')];
};
const failed = () => {
  const wf = workflow({ name: 'etl-run-q8h2d', namespace: 'data', uid: 'uid-failed', now: NOW, finishedMinutesAgo: 300, deletionMinutesAgo: 240, strategy: 'OnWorkflowDeletion', bucket: 'data-artifacts', artifacts: [{ name: 'report', key: 'etl/uid-failed/report.csv' }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'], podsRecouped: ['etl-run-q8h2d-artgc-wfdel-1'], conditions: [{ type: 'ArtifactGCError', status: 'True', message: 'Access Denied' }] });
  return [wf, gcPod(wf, { strategy: 'wfdel', phase: 'Succeeded', now: NOW, createdMinutesAgo: 239, finishedMinutesAgo: 238 }), gcTask(wf, 'wfdel', { 'etl-run-q8h2d': { report: { success: false, error: 'Access Denied' } } })];
};

const deps = async () => ({
  config,
  portFor: (c: string) => portFor(config.clusters.find((x) => x.name === c)!.auth),
  publisher: { publish: async (entries: BusEntry[]) => void published.push(...entries) },
  queue: new SqsSignalQueue(queueUrl, { sendBatch: sdkSendMessageBatch() }),
  approvals: () => approvalRuntimeFromConfig(config, process.env),
  evidence: EVIDENCE,
  clock: () => new Date(),
});

/** The notify decision for one Workflow, as evaluate publishes it, and its buttons as notify builds them. */
async function buttonsFor(namespace: string, name: string): Promise<Record<string, string>> {
  await evaluateBatch([{ id: `sig-${name}`, body: JSON.stringify({ kind: 'afr.sweep/v1', cluster: 'prod', namespace, name }) }], await deps());
  const d = published.map((e) => e.detail).filter((x): x is Decision => Decision.safeParse(x).success && (x as Decision).workflow.name === name).at(-1)!;
  expect(d.verdict).toBe('notify');
  const block = actionButtons(d, (await buttonSettingsFromConfig(config))!)!;
  return Object.fromEntries(block.elements.map((e) => [e.action_id.replace('afr.', ''), e.value]));
}

/** What the Lambda SQS poller would hand evaluate: every message on the queue, deleted once handled. */
async function drainToEvaluate(opts: { redeliver?: boolean } = {}) {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }));
  const records = (out.Messages ?? []).map((m) => ({ id: m.MessageId!, body: m.Body! }));
  const report = await evaluateBatch(opts.redeliver ? [...records, ...records.map((r) => ({ ...r, id: `${r.id}-again` }))] : records, await deps());
  for (const m of out.Messages ?? []) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  return { records, report };
}

const patches = () => server.requests.filter((r) => r.method === 'PATCH');
const clickAs = (value: string, user = DANA) => click(fnUrl.url, { value, user, teamId: TEAM, appId: APP, responseUrl: responses.url }, SECRET);

beforeAll(async () => {
  const m = ctx.moto;
  s3 = new S3Client(m.clientConfig);
  sqs = new SQSClient(m.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'signals-e2e' }))).QueueUrl!;
  const ssm = new SSMClient(m.clientConfig);
  await ssm.send(new PutParameterCommand({ Name: '/afr/e2e/signing', Type: 'SecureString', Value: SECRET }));
  await ssm.send(new PutParameterCommand({ Name: '/afr/e2e/key', Type: 'SecureString', Value: KEY }));
  server = await startApiServer({ seed: [...stuck(), ...failed()] });
  responses = await startSlackReceiver({ secretPath: '/actions/T0TEAM0001/4455667788/e2eRespUrlT0ken' });
  channel = await startSlackReceiver();
  const document = {
    clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate' }],
    // Retry GC is offered only where the finishing policy lets an approved re-arm act.
    finishing: { defaults: { rearm: 'approval' } },
    slack: {
      webhook: { url: channel.url },
      app: { teamId: TEAM, appId: APP, approvers: [DANA.id], signingSecret: { ssmParameter: '/afr/e2e/signing' }, buttonKey: { ssmParameter: '/afr/e2e/key' }, responseUrlOrigins: [new URL(responses.url).origin] },
    },
  };
  Object.assign(process.env, m.env, {
    AFR_CONFIG: JSON.stringify(document),
    AUDIT_BUCKET: BUCKET,
    SIGNALS_QUEUE_URL: queueUrl,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  clearConfigCache();
  config = parseConfig(document, 'test');
  const { handler } = await import('../../functions/interact.js');
  fnUrl = await startLocalFunctionUrl(handler, { base64: 'always' });
});

afterAll(async () => {
  await fnUrl?.close();
  await responses?.close();
  await channel?.close();
  await server?.close();
  process.env = saved;
  clearConfigCache();
  clearRegisteredSecrets();
});

describe('a Slack approval, end to end', () => {
  it('removes the finalizer once for an approved click, however often it is clicked or redelivered', async () => {
    const values = await buttonsFor('ml', 'train-model-4kq9z');
    expect(Object.keys(values)).toEqual(['remove', 'snooze', 'deny']);
    const before = patches().length;
    expect((await clickAs(values['remove']!)).status).toBe(200);
    expect((await clickAs(values['remove']!)).status).toBe(200);
    const stored = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'approvals/' }));
    expect(stored.Contents?.filter((o) => o.Key!.includes('/by/'))).toHaveLength(1);

    const { records, report } = await drainToEvaluate({ redeliver: true });
    expect(records).toHaveLength(2);
    expect(patches().length - before).toBe(1);
    expect(report.results.every((r) => r.status === 'fulfilled')).toBe(true);
    const live = server.store.list({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1' }).find((o) => o.metadata.name === 'train-model-4kq9z');
    expect(live?.metadata.finalizers ?? []).toEqual(['example.com/keep']);

    const removal = published.map((e) => e.detail as Decision).find((d) => d.action === 'removed' && d.workflow.name === 'train-model-4kq9z')!;
    expect(removal.approvedBy).toEqual([expect.objectContaining({ id: DANA.id, name: 'dana' })]);
    expect(removal.pendingArtifacts).toHaveLength(1);
    const outcomes = published.filter((e) => e.detailType === 'Approval Outcome').map((e) => e.detail as { outcome: string; claim: { n: string } });
    expect(outcomes.filter((o) => o.claim.n === 'train-model-4kq9z')).toEqual([expect.objectContaining({ outcome: 'acted' })]);

    expect(responses.posts).toHaveLength(1);
    const update = responses.posts[0]!.json as { replace_original: boolean; text: string };
    expect(update.replace_original).toBe(true);
    expect(update.text).toMatch(/Remove finalizer approved by dana at .*; finalizer removed; 1 artifact\(s\) orphaned/);
  });

  it('does nothing when the Workflow changed since the message, and says so', async () => {
    const values = await buttonsFor('data', 'etl-run-q8h2d');
    etlValues = values;
    expect(Object.keys(values)).toEqual(['rearm', 'remove', 'snooze', 'deny']);
    // A new GC pod starts after the message was posted: the state the human saw is gone.
    const [wf] = failed();
    server.store.put(gcPod(wf!, { strategy: 'wfcomp', phase: 'Running', now: new Date(), createdMinutesAgo: 0.1 }) as never);
    const before = patches().length;
    const sentBefore = responses.posts.length;
    expect((await clickAs(values['remove']!)).status).toBe(200);
    await drainToEvaluate();
    expect(patches().length).toBe(before);
    expect(responses.posts.length).toBe(sentBefore + 1);
    expect((responses.posts.at(-1)!.json as { text: string }).text).toContain('Not done: the Workflow changed since the message (now: gc-running)');
  });

  it('refuses a forged click at the door: nothing stored, nothing queued', async () => {
    const forged = await click(fnUrl.url, { value: etlValues['deny']!, user: DANA, teamId: TEAM, appId: APP, responseUrl: responses.url }, 'not-the-signing-secret-at-all');
    expect(forged.status).toBe(401);
    const { records } = await drainToEvaluate();
    expect(records).toEqual([]);
  });
});
