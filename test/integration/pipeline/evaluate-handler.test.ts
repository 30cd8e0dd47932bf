// The real evaluate Lambda handler (middy, partial batch failure) against the local Kubernetes API server, with
// the bus and the signals queue on moto, reached by the clients the handler builds from the environment. What
// it sent is read off the wire (the moto proxy's record); PutEvents partial failures are the proxy's, the
// entries it lets through are delivered by moto.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache } from '../../../src/config/load.js';
import { gcPod, gcTask, workflow } from '../../../src/demo/builders.js';
import { exporterEvent } from '../../../src/demo/seed.js';
import { Decision } from '../../../src/domain/decision.js';
import { type LocalApiServer, startApiServer } from '../../../src/local/apiserver/index.js';
import { withMoto } from '../../helpers/moto.js';

const fx = withMoto();
const saved = { ...process.env };
const NOW = new Date();
const FINALIZER = 'workflows.argoproj.io/artifact-gc';

let server: LocalApiServer;
let evidenceDir: string;
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
type WireEntry = { EventBusName: string; Source: string; DetailType: string; Detail: string };
const putEvents = () => fx.moto.callsTo('AWSEvents.PutEvents').map((c) => (JSON.parse(c.body) as { Entries: WireEntry[] }).Entries);
const published = () => putEvents().flat();
const enqueued = () =>
  fx.moto.callsTo('AmazonSQS.SendMessageBatch').flatMap((c) => (JSON.parse(c.body) as { Entries: { MessageBody: string; DelaySeconds?: number }[] }).Entries);
const patches = () => server.requests.filter((r) => r.method === 'PATCH');

beforeAll(async () => {
  server = await startApiServer({ seed: [nestedParent(), running(), flaky()] });
  evidenceDir = mkdtempSync(join(tmpdir(), 'afr-evaluate-evidence-'));
  process.env['AFR_CONFIG'] = JSON.stringify({
    clusters: [{ name: 'prod', auth: { type: 'token', server: server.url, token: server.token, skipTLSVerify: true }, mode: 'remediate' }],
    // Evidence bundles and intent records (written before each PATCH) go to a folder here; S3: evidence tests.
    audit: { localDir: evidenceDir },
  });
  await new EventBridgeClient(fx.moto.clientConfig).send(new CreateEventBusCommand({ Name: 'remediator-bus' }));
  const queueUrl = (await new SQSClient(fx.moto.clientConfig).send(new CreateQueueCommand({ QueueName: 'signals' }))).QueueUrl!;
  Object.assign(process.env, fx.moto.env);
  process.env['DECISION_BUS_NAME'] = 'remediator-bus';
  process.env['SIGNALS_QUEUE_URL'] = queueUrl;
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  clearConfigCache();
  handler = (await import('../../../functions/evaluate.js')).handler as never;
});
afterAll(async () => {
  await server.close();
  rmSync(evidenceDir, { recursive: true, force: true });
  process.env = saved;
});
beforeEach(() => {
  fx.moto.calls.length = 0;
  fx.moto.faults.length = 0;
  server.faults.clear();
});

describe('evaluate handler', () => {
  it('one batch: one patch, one batch item failure (the 503), the malformed record rejected, contract-shaped decisions', async () => {
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
    const decisions = entries.filter((e) => e.DetailType === 'Remediation Decision').map((e) => Decision.parse(JSON.parse(e.Detail)));
    expect(decisions.map((d) => [d.workflow.name, d.verdict, d.cause, d.action])).toEqual([
      ['parent-wf-7xk2p', 'remove', 'no-pending-artifacts', 'removed'],
      ['still-running', 'wait', 'workflow-not-finished', 'none'],
    ]);
    expect(decisions[0]).toMatchObject({ cluster: 'prod', mode: 'remediate', outcome: 'patched', apiStatus: 200, signal: { source: 'eventbridge', name: 'parent-wf-7xk2p' } });
    expect(decisions[0]!.decisionId).toMatch(/^[0-9a-f]{32}$/);
    expect(entries.every((e) => e.Source === 'argo-finalizer-remediator' && e.EventBusName === 'remediator-bus')).toBe(true);

    const rejected = entries.filter((e) => e.DetailType === 'Signal Rejected').map((e) => JSON.parse(e.Detail));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ sourceMessageId: 'm3' });
    expect(rejected[0].reason).toMatch(/JSON/);

    // The running Workflow's wait verdict schedules a re-check through the queue.
    const sent = enqueued();
    expect(sent.map((e) => JSON.parse(e.MessageBody))).toEqual([expect.objectContaining({ kind: 'afr.requeue/v1', name: 'still-running', attempt: 1 })]);
    expect(sent[0]!.DelaySeconds).toBe(900);
  });

  it('retries the entries PutEvents reports failed, and parks decisions on the queue when the bus keeps refusing', async () => {
    server.store.put(nestedParent());
    fx.moto.faults.push({ operation: 'AWSEvents.PutEvents', times: 1, failEntries: { pick: (_, i) => i === 0, code: 'ThrottlingException', message: 'rate' } });
    const ok = await handler({ Records: [record('a1', event(nestedParent(), 'WorkflowSucceeded', 10))] }, {});
    expect(ok.batchItemFailures).toEqual([]);
    expect(putEvents()).toHaveLength(2);
    expect(putEvents()[1]).toEqual(putEvents()[0]);

    fx.moto.calls.length = 0;
    fx.moto.faults.push({ operation: 'AWSEvents.PutEvents', failEntries: { pick: () => true, code: 'InternalFailure', message: 'down' } });
    server.store.put(nestedParent());
    const parked = await handler({ Records: [record('a2', event(nestedParent(), 'WorkflowSucceeded', 11))] }, {});
    expect(parked.batchItemFailures).toEqual([]);
    const sent = enqueued().map((e) => JSON.parse(e.MessageBody));
    expect(sent).toEqual([expect.objectContaining({ kind: 'afr.decision/v1', decision: expect.objectContaining({ action: 'removed' }) })]);

    // The next invocation republishes the parked decision.
    fx.moto.calls.length = 0;
    fx.moto.faults.length = 0;
    const again = await handler({ Records: [record('a3', sent[0])] }, {});
    expect(again.batchItemFailures).toEqual([]);
    expect(published().map((e) => JSON.parse(e.Detail).action)).toEqual(['removed']);
  });

  it('a partial PutEvents failure parks only the refused decision: no decision is delivered twice', async () => {
    server.store.put(nestedParent());
    const other = () => {
      const wf = nestedParent();
      wf.metadata.name = 'second-wf-k2x9q';
      wf.metadata.uid = 'uid-second';
      return wf;
    };
    server.store.put(other());
    const patchesBefore = patches().length;
    // EventBridge keeps refusing one entry (the second removal's) and takes the rest.
    const isSecond = (e: Record<string, unknown>) => String(e['Detail']).includes('second-wf-k2x9q');
    fx.moto.faults.push({ operation: 'AWSEvents.PutEvents', failEntries: { pick: isSecond, code: 'InternalFailure', message: 'refused' } });
    const res = await handler({ Records: [record('p1', event(nestedParent(), 'WorkflowSucceeded', 20)), record('p2', event(other(), 'WorkflowSucceeded', 21)), record('p3', 'not json')] }, {});
    expect(res.batchItemFailures).toEqual([]);
    expect(patches().length - patchesBefore).toBe(2);
    // Accepted once each: the rejection and the first removal, published as soon as it was made; the refused one
    // was retried alone.
    const accepted = putEvents().flat().filter((e) => !isSecond(e as never));
    expect(accepted.map((e) => (e.DetailType === 'Signal Rejected' ? 'rejected' : JSON.parse(e.Detail).workflow.name))).toEqual(['rejected', 'parent-wf-7xk2p']);
    const parked = enqueued().map((e) => JSON.parse(e.MessageBody));
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ kind: 'afr.decision/v1', decision: { action: 'removed', workflow: { name: 'second-wf-k2x9q' } } });

    // The parked decision is republished by the next invocation, once.
    fx.moto.calls.length = 0;
    fx.moto.faults.length = 0;
    expect((await handler({ Records: [record('p4', parked[0])] }, {})).batchItemFailures).toEqual([]);
    expect(published().map((e) => [JSON.parse(e.Detail).workflow.name, JSON.parse(e.Detail).action])).toEqual([['second-wf-k2x9q', 'removed']]);
  });

  it('bus and queue refusing together fail only the records behind the refused entries', async () => {
    server.store.put(nestedParent());
    const wf2 = nestedParent();
    wf2.metadata.name = 'third-wf-m4p7z';
    wf2.metadata.uid = 'uid-third';
    server.store.put(wf2);
    const isThird = (e: Record<string, unknown>) => String(e['Detail']).includes('third-wf-m4p7z') || String(e['Detail']).includes('"p7"');
    fx.moto.faults.push({ operation: 'AWSEvents.PutEvents', failEntries: { pick: isThird, code: 'InternalFailure', message: 'refused' } });
    fx.moto.faults.push({ operation: 'AmazonSQS.SendMessageBatch', failEntries: { pick: () => true, code: 'InternalError', message: 'down' } });
    const res = await handler({ Records: [record('p5', event(nestedParent(), 'WorkflowSucceeded', 30)), record('p6', event(wf2, 'WorkflowSucceeded', 31)), record('p7', '{"p7": not json')] }, {});
    // The delivered removal's record is done; the refused removal (not parked either) and the refused rejection retry.
    expect(res.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['p6', 'p7']);
  });

  it('a rejected payload leaves the process with its secret-named values redacted', async () => {
    const body = JSON.stringify({ kind: 'Mystery', token: 'plain-tok-77aa', nested: { password: 'pw-abc-123', apiKey: 'ak-9z8y' } });
    expect((await handler({ Records: [record('s1', body)] }, {})).batchItemFailures).toEqual([]);
    const wire = fx.moto.callsTo('AWSEvents.PutEvents').map((c) => c.body).join('\n');
    expect(wire).toContain('Signal Rejected');
    for (const secret of ['plain-tok-77aa', 'pw-abc-123', 'ak-9z8y']) expect(wire).not.toContain(secret);
  });

  it('time budgets: each removal is published before the next Workflow starts; none is started without the time one needs', async () => {
    const named = (name: string) => {
      const wf = nestedParent();
      wf.metadata.name = name;
      wf.metadata.uid = `uid-${name}`;
      return wf;
    };
    for (const n of ['budget-a', 'budget-b', 'budget-c']) server.store.put(named(n));
    // The Lambda clock: 45 s left at the start, and every PATCH "takes" 15 s.
    let remaining = 45_000;
    const publishedBeforePatch: number[] = [];
    server.faults.onBeforeWrite(() => {
      publishedBeforePatch.push(fx.moto.callsTo('AWSEvents.PutEvents').length);
      remaining -= 15_000;
    }, { method: 'PATCH' });
    const res = await handler(
      { Records: ['budget-a', 'budget-b', 'budget-c'].map((n, i) => record(`t${i}`, event(named(n), 'WorkflowSucceeded', 40 + i))) },
      { getRemainingTimeInMillis: () => remaining },
    );
    // a and b were started (45 s, then 30 s left); c was not (15 s left < 20 s): its record is retried.
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 't2' }]);
    expect(publishedBeforePatch).toEqual([0, 1]);
    expect(published().map((e) => [JSON.parse(e.Detail).workflow.name, JSON.parse(e.Detail).action])).toEqual([
      ['budget-a', 'removed'],
      ['budget-b', 'removed'],
    ]);
    expect((server.store.get({ kind: 'Workflow', apiVersion: 'argoproj.io/v1alpha1', namespace: 'argo', name: 'budget-c' }) as any).metadata.finalizers).toContain(FINALIZER);
  });
});
