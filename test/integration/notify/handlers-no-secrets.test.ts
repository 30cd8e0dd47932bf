import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as auditHandler, resetAuditFunction } from '../../../functions/audit.js';
import { handler as notifyHandler, resetNotifyFunction } from '../../../functions/notify.js';
import { AnyAuditRecord } from '../../../src/audit/record.js';
import { signalRejected } from '../../../src/domain/alerts.js';
import {
  DECISION_DETAIL_TYPE,
  DECISION_SOURCE,
  SIGNAL_REJECTED_DETAIL_TYPE,
  SYSTEMIC_ALERT_DETAIL_TYPE,
} from '../../../src/domain/decision.js';
import { clearRegisteredSecrets, registerSecret } from '../../../src/observability/redact.js';
import { parseConfig } from '../../../src/config/load.js';
import { coreEvent, gcPod, workflow } from '../../../src/demo/builders.js';
import { exporterEvent } from '../../../src/demo/seed.js';
import { evaluateBatch } from '../../../src/evaluate/evaluate-batch.js';
import { S3EvidenceSink } from '../../../src/evidence/s3-sink.js';
import { portFor } from '../../../src/kube/port-for.js';
import { startApiServer } from '../../../src/local/apiserver/index.js';
import { clearWebhookCache } from '../../../src/notify/webhook-source.js';
import { withMoto } from '../../helpers/moto.js';
import { RECEIVER_SECRET, type SlackReceiver, replies, startSlackReceiver } from '../../helpers/slack-receiver.js';
import { forceRemovalDecision, gcFailedDecision, systemicAlert } from '../../unit/notify/fixtures.js';

// Both Lambda handlers, as deployed (middy, Powertools Logger and Metrics, config from the environment), on
// realistic events that carry secrets, S3 on moto. Every byte they write anywhere is captured and searched.

const TOKEN_BODY = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YXJnbyJ9.c2lnbmF0dXJl';
const BEARER = `Bearer ${TOKEN_BODY}`;
/** Secrets that look like nothing in particular: only the keys they sit under give them away. */
const KEYED = ['plain-tok-4b7c1d', 'correct-horse-battery', 'k3y-7a1e9c0f', 'cs-0c9d8e7f6a'];
const EKS_TOKEN_BODY = 'aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eQ';

const fx = withMoto();
let s3: S3Client;
let slack: SlackReceiver;
const savedEnv = { ...process.env };
const captured: string[] = [];
const errors: unknown[] = [];

const context = {
  functionName: 'afr-notify',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:afr-notify',
  memoryLimitInMB: '256',
  awsRequestId: '6f1c6b2e-1111-4c1e-9a1f-000000000001',
  logGroupName: '/aws/lambda/afr-notify',
  logStreamName: '2026/09/02/[$LATEST]abc',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

const envelope = (detailType: string, detail: unknown, id = 'evt-1') => ({
  version: '0',
  id,
  'detail-type': detailType,
  source: DECISION_SOURCE,
  account: '123456789012',
  time: '2026-09-02T00:15:00Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

async function attempt(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (err) {
    errors.push(err);
    return err;
  }
}

beforeAll(async () => {
  s3 = new S3Client(fx.moto.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: 'afr-audit' }));
  slack = await startSlackReceiver();
  Object.assign(process.env, fx.moto.env, {
    SLACK_WEBHOOK_URL: slack.url,
    AUDIT_BUCKET: 'afr-audit',
    ARGO_UI_URL: 'https://argo.example.com',
    POWERTOOLS_METRICS_NAMESPACE: 'ArgoFinalizerRemediator',
  });
  clearRegisteredSecrets();
  clearWebhookCache();
  resetNotifyFunction();
  resetAuditFunction();
  const keep = (chunk: unknown) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void captured.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  process.env = savedEnv;
  resetNotifyFunction();
  resetAuditFunction();
  clearRegisteredSecrets();
  await slack?.close();
  s3?.destroy();
});

describe('notify and audit handlers with secrets configured', () => {
  const leaky = gcFailedDecision({
    outcome: `policy: notify; the API said 401 to Authorization: ${BEARER}`,
    reasons: ['phase Succeeded', `webhook ${process.env.SLACK_WEBHOOK_URL ?? 'unset'}`, `retry with ${BEARER}`],
    signal: { cluster: 'prod-eu-1', namespace: 'data', name: 'etl-run-q8h2d', source: 'event-exporter', reason: `ArtifactGCFailed ${BEARER}`.slice(0, 256) },
  });
  leaky.evidence.tasks[0]!.errors[0]!.error = `Access Denied (token k8s-aws-v1.${EKS_TOKEN_BODY})`;

  it('runs realistic events through both handlers and leaks nothing', async () => {
    // The webhook URL is only known at run time; put it into a decision now that the receiver exists.
    leaky.reasons[1] = `webhook ${slack.url}`;
    const forced = forceRemovalDecision({ outcome: `patched; ${BEARER}` });
    const rejected = signalRejected({
      cluster: 'prod-eu-1',
      reason: `payload had no Workflow; headers: Authorization: ${BEARER}`,
      at: '2026-09-02T00:16:00Z',
      sourceMessageId: 'sqs-msg-1',
      // Secrets under keys, of no recognisable shape: only their key says what they are.
      payload: JSON.stringify({ webhook: slack.url, auth: BEARER, kind: 'Pod', token: KEYED[0], metadata: { annotations: { password: KEYED[1], 'x-api-key': KEYED[2] } }, body: JSON.stringify({ clientSecret: KEYED[3] }) }),
    });

    // notify: one EventBridge event each, an SQS batch with a bad record, an invalid event, a Slack refusal.
    await attempt(notifyHandler(envelope(DECISION_DETAIL_TYPE, leaky), context));
    await attempt(notifyHandler(envelope(DECISION_DETAIL_TYPE, forced), context));
    const batch = await attempt(
      notifyHandler(
        {
          Records: [
            { messageId: 'm-ok', body: JSON.stringify(envelope(SYSTEMIC_ALERT_DETAIL_TYPE, systemicAlert())) },
            { messageId: 'm-bad', body: JSON.stringify(envelope(DECISION_DETAIL_TYPE, { ...leaky, verdict: BEARER })) },
          ],
        },
        context,
      ),
    );
    expect(batch).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    const invalid = await attempt(notifyHandler(envelope(DECISION_DETAIL_TYPE, { ...leaky, cluster: 42, outcome: BEARER }), context));
    expect((invalid as Error).name).toBe('InvalidEventError');
    slack.script(replies.invalidToken());
    const refused = await attempt(notifyHandler(envelope(DECISION_DETAIL_TYPE, gcFailedDecision({ cluster: 'prod-us-1' })), context));
    expect((refused as Error).name).toBe('NotifyFailedError');
    expect((refused as Error).message).toMatch(/invalid_token/);

    // audit: every detail type, and an invalid one.
    for (const [type, detail] of [
      [DECISION_DETAIL_TYPE, leaky],
      [DECISION_DETAIL_TYPE, forced],
      [SIGNAL_REJECTED_DETAIL_TYPE, rejected],
      [SYSTEMIC_ALERT_DETAIL_TYPE, systemicAlert()],
    ] as const) {
      expect(await attempt(auditHandler(envelope(type, detail), { ...context, functionName: 'afr-audit' }))).toMatchObject({ result: 'written' });
    }
    const badAudit = await attempt(auditHandler(envelope(SIGNAL_REJECTED_DETAIL_TYPE, { ...rejected, payloadExcerpt: BEARER.repeat(10) }), context));
    expect((badAudit as Error).name).toBe('InvalidEventError');

    // What Slack got: three messages (two decisions, one systemic alert); the refused one was also sent.
    const okPosts = slack.posts.filter((p) => p.reply.status === 200);
    expect(okPosts).toHaveLength(3);

    // What the bucket holds: four records, each valid, the secrets scrubbed out of them.
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'afr-audit', Prefix: 'audit/' }));
    const objects = await Promise.all(
      (listed.Contents ?? []).map(async (o) => (await (await s3.send(new GetObjectCommand({ Bucket: 'afr-audit', Key: o.Key! }))).Body!.transformToString())),
    );
    expect(objects).toHaveLength(4);
    for (const o of objects) AnyAuditRecord.parse(JSON.parse(o));
    expect(objects.join('\n')).toContain('[REDACTED]');
    const markers = await s3.send(new ListObjectsV2Command({ Bucket: 'afr-audit', Prefix: 'notified/' }));
    expect(markers.KeyCount).toBe(3);

    // The logs: structured JSON from both functions, the failures explained.
    const logs = captured.join('\n');
    expect(logs).toContain('"service":"notify"');
    expect(logs).toContain('"service":"audit"');
    expect(logs).toContain('notify done');
    expect(logs).toContain('invalid event in batch');
    expect(logs).toContain('invalid_token');
    expect(logs).toContain('"Namespace":"ArgoFinalizerRemediator"');

    const everything = [
      logs,
      ...slack.posts.map((p) => p.body),
      ...objects,
      ...errors.map((e) => `${(e as Error).message}\n${(e as Error).stack}`),
    ].join('\n');
    for (const secret of [slack.url, RECEIVER_SECRET, TOKEN_BODY, EKS_TOKEN_BODY, ...KEYED]) {
      expect(everything.includes(secret), `leaked ${secret.slice(0, 12)}…`).toBe(false);
    }
  });
});

describe('evaluate with secrets in the cluster objects it bundles', () => {
  it('writes evidence bundles and intent records without a secret in them', async () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const SLACK_HOOK = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/abcdefghijklmnopqrstuvwx';
    const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const wf = workflow({ name: 'leaky-run', namespace: 'sandbox', uid: 'leaky-0000-4000-8000-000000000001', now, finishedMinutesAgo: 120, deletionMinutesAgo: 115, strategy: 'OnWorkflowDeletion', forceFinalizerRemoval: true, artifacts: [{ name: 'out', key: 'leaky/out.bin' }], strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
    wf.metadata.annotations = { 'example.com/debug': `curl -H "Authorization: ${BEARER}" ${SLACK_HOOK}` };
    const pod = gcPod(wf, { strategy: 'wfdel', phase: 'Failed', now, createdMinutesAgo: 110, finishedMinutesAgo: 109 });
    pod.metadata.uid = 'leaky-pod-0000-4000-8000-000000000001';
    pod.spec.containers[0].env = [{ name: 'AWS_SECRET_ACCESS_KEY', value: AWS_SECRET }, { name: 'SLACK_WEBHOOK_URL', value: SLACK_HOOK }];
    const api = await startApiServer({
      seed: [wf, pod, coreEvent(wf, { reason: 'ArtifactGCFailed', message: `GC failed: token k8s-aws-v1.${EKS_TOKEN_BODY}`, now, minutesAgo: 109, type: 'Warning', seq: 1 })],
    });
    try {
      api.store.logs.set({ namespace: 'sandbox', pod: String(pod.metadata.name), container: 'main' }, `level=debug msg="auth" header="${BEARER}" token=${api.token} secret_access_key=${AWS_SECRET} hook=${SLACK_HOOK}\n`);
      // As WarmState.config() does for every configured cluster token.
      registerSecret(api.token);
      const config = parseConfig({ clusters: [{ name: 'prod', auth: { type: 'token', server: api.url, token: api.token, skipTLSVerify: true }, mode: 'remediate' }] }, 'test');
      const port = portFor(config.clusters[0]!.auth);
      const report = await evaluateBatch([{ id: 'm1', body: JSON.stringify(exporterEvent(wf, 'WorkflowSucceeded', { cluster: 'prod', now, seq: 1 })) }], {
        config,
        portFor: () => port,
        publisher: { publish: async () => {} },
        queue: { send: async () => {} },
        evidence: new S3EvidenceSink({ client: s3, bucket: 'afr-audit' }),
        clock: () => now,
      });
      expect(report.decisions[0]).toMatchObject({ action: 'removed' });
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'afr-audit' }));
      const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.startsWith('evidence/') || k.endsWith('.intent.json'));
      expect(keys.filter((k) => k.endsWith('.intent.json'))).toHaveLength(1);
      expect(keys.some((k) => k.endsWith('/logs/leaky-run-artgc-wfdel-2166136261/main.log'))).toBe(true);
      const stored = await Promise.all(keys.map(async (k) => (await s3.send(new GetObjectCommand({ Bucket: 'afr-audit', Key: k }))).Body!.transformToString()));
      const everything = [...stored, captured.join('\n')].join('\n');
      expect(everything).toContain('[REDACTED]');
      for (const secret of [TOKEN_BODY, EKS_TOKEN_BODY, api.token, AWS_SECRET, 'abcdefghijklmnopqrstuvwx']) {
        expect(everything.includes(secret), `leaked ${secret.slice(0, 12)}…`).toBe(false);
      }
    } finally {
      await api.close();
    }
  });
});

