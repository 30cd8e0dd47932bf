// The real evaluate Lambda handler (middy, partial batch failure) against the local Kubernetes API server.
// EventBridge and SQS cannot run here: their clients are stubbed with aws-sdk-client-mock, which keeps the
// SDK's request building and lets a test answer PutEvents with FailedEntryCount.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';
import { gcPod, gcTask, workflow } from '../../../src/demo/builders.js';
import { exporterEvent } from '../../../src/demo/seed.js';
import { Decision } from '../../../src/domain/decision.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';

const eb = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const NOW = new Date();
const FINALIZER = 'workflows.argoproj.io/artifact-gc';

let server: LocalApiServer;
let handler: (event: SQSEvent, context: object) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

const nestedParent = () => {
  const wf = workflow({ name: 'parent-wf-7xk2p', namespace: 'argo', uid: 'uid-parent', now: NOW, finishedMinutesAgo: 180, deletionMinutesAgo: 120, strategy: 'OnWorkflowDeletion', strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });
  wf.metadata.finalizers = ['example.com/keep', FINALIZER];
  return wf;
};
const running = () => workflow({ name: 'still-running', namespace: 'argo', uid: 'uid-running', now: NOW, phase: 'Running', deletionMinutesAgo: 10, strategy: 'OnWorkflowCompletion' });
const flaky = () => workflow({ name: 'api-flaky', namespace: 'argo', uid: 'uid-flaky', now: NOW, finishedMinutesAgo: 100, deletionMinutesAgo: 90, strategy: 'OnWorkflowDeletion', strategiesProcessed: ['OnWorkflowCompletion', 'OnWorkflowDeletion'] });

const record = (id: string, body: unknown): SQSRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(NOW.getTime()), SenderId: 'AIDA', ApproximateFirstReceiveTimestamp: String(NOW.getTime()) },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:signals',
  awsRegion: 'eu-west-1',
});
const event = (wf: Record<string, any>, reason: string, seq: number) => exporterEvent(wf, reason, { cluster: 'prod', now: NOW, seq });
const published = () => eb.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
const patches = () => server.requests.filter((r) => r.method === 'PATCH');

beforeAll(async () => {
  server = await startApiServer({ seed: [nestedParent(), running(), flaky()] });
  process.env['AFR_CONFIG'] = JSON.stringify({
    clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate' }],
  });
  process.env['DECISION_BUS_NAME'] = 'remediator-bus';
  process.env['SIGNALS_QUEUE_URL'] = 'https://sqs.eu-west-1.amazonaws.com/123456789012/signals';
  process.env['AWS_REGION'] = 'eu-west-1';
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  clearConfigCache();
  handler = (await import('../../../functions/evaluate.js')).handler as never;
});
afterAll(async () => {
  await server.close();
  for (const k of ['AFR_CONFIG', 'DECISION_BUS_NAME', 'SIGNALS_QUEUE_URL']) delete process.env[k];
});
beforeEach(() => {
  eb.reset();
  sqs.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  server.faults.clear();
});

describe('evaluate handler', () => {
  it('one batch: one patch, one batch item failure (the 503), the malformed record rejected, contract-shaped decisions', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    server.faults.add({ kind: 'status', code: 503, match: { method: 'GET', pathRegex: '/workflows/api-flaky$' } });
    const parent = nestedParent();
    const batch: SQSEvent = {
      Records: [
        record('m1', event(parent, 'WorkflowSucceeded', 1)),
        record('m2', event(running(), 'WorkflowRunning', 2)),
        record('m3', '{"this is": not json'),
        record('m4', event(parent, 'WorkflowNodeSucceeded', 4)),
        record('m5', event(flaky(), 'WorkflowSucceeded', 5)),
      ],
    };
    const response = await handler(batch, {});

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm5' }]);
    expect(patches()).toHaveLength(1);
    expect(patches()[0]!.path).toBe('/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/parent-wf-7xk2p');
    expect((server.store.get({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'argo', name: 'parent-wf-7xk2p' }) as any)?.metadata.finalizers).toEqual(['example.com/keep']);

    const entries = published();
    const decisions = entries.filter((e) => e.DetailType === 'Remediation Decision').map((e) => Decision.parse(JSON.parse(e.Detail!)));
    expect(decisions.map((d) => [d.workflow.name, d.verdict, d.cause, d.action])).toEqual([
      ['parent-wf-7xk2p', 'remove', 'no-pending-artifacts', 'removed'],
      ['still-running', 'wait', 'workflow-not-finished', 'none'],
    ]);
    expect(decisions[0]).toMatchObject({ cluster: 'prod', mode: 'remediate', outcome: 'patched', apiStatus: 200, signal: { source: 'eventbridge', name: 'parent-wf-7xk2p' } });
    expect(decisions[0]!.decisionId).toMatch(/^[0-9a-f]{32}$/);
    expect(entries.every((e) => e.Source === 'argo-finalizer-remediator' && e.EventBusName === 'remediator-bus')).toBe(true);

    const rejected = entries.filter((e) => e.DetailType === 'Signal Rejected').map((e) => JSON.parse(e.Detail!));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ sourceMessageId: 'm3' });
    expect(rejected[0].reason).toMatch(/JSON/);

    // The running Workflow's wait verdict schedules a re-check through the queue.
    const sent = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(sent.map((e) => JSON.parse(e.MessageBody!))).toEqual([expect.objectContaining({ kind: 'afr.requeue/v1', name: 'still-running', attempt: 1 })]);
    expect(sent[0]!.DelaySeconds).toBe(900);
  });

  it('retries the entries PutEvents reports failed, and parks decisions on the queue when the bus keeps refusing', async () => {
    server.store.put(nestedParent());
    eb.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'rate' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const ok = await handler({ Records: [record('a1', event(nestedParent(), 'WorkflowSucceeded', 10))] }, {});
    expect(ok.batchItemFailures).toEqual([]);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(2);

    eb.reset();
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'down' }] });
    server.store.put(nestedParent());
    const parked = await handler({ Records: [record('a2', event(nestedParent(), 'WorkflowSucceeded', 11))] }, {});
    expect(parked.batchItemFailures).toEqual([]);
    const sent = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []).map((e) => JSON.parse(e.MessageBody!));
    expect(sent).toEqual([expect.objectContaining({ kind: 'afr.decision/v1', decision: expect.objectContaining({ action: 'removed' }) })]);

    // The next invocation republishes the parked decision.
    eb.reset();
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'y' }] });
    const again = await handler({ Records: [record('a3', sent[0])] }, {});
    expect(again.batchItemFailures).toEqual([]);
    expect(published().map((e) => JSON.parse(e.Detail!).action)).toEqual(['removed']);
  });
});
